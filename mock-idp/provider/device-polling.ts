import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { TtlStore } from './store.ts';

/*
 * RFC 8628 polling rules that oidc-provider leaves out: the device authorization response
 * announces an `interval`, and a client that polls the token endpoint sooner than its interval
 * gets `slow_down`, after which its interval is 5 seconds longer (RFC 8628 §3.5). Time is the
 * tenant's clock, so tests advance it instead of sleeping.
 */

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/**
 * slow_down adds 5 s per answer; polls that arrive together would otherwise push the interval past
 * the code's lifetime (200 concurrent polls: 1005 s). It stops growing at a minute (or at the
 * announced interval, when that is longer).
 */
export const MAX_SLOW_DOWN_INTERVAL = 60;
const MODEL = 'DevicePolling';

interface PollState {
  interval: number;
  lastPoll?: number;
}

export interface DevicePollingOptions {
  /** Paths of the device authorization and token endpoints inside the tenant. */
  paths: string[];
  interval: number;
  enforceInterval: boolean;
  deviceCodeTtl: () => number;
}

export function devicePolling(store: TtlStore, options: () => DevicePollingOptions): Middleware {
  return async function devicePolling(ctx, next) {
    const { paths, interval, enforceInterval, deviceCodeTtl } = options();
    if (ctx.method !== 'POST' || !paths.includes(ctx.path)) return next();
    await next();
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    if (!oidc) return;
    if (oidc.route === 'device_authorization' && ctx.status === 200 && isObject(ctx.body)) {
      const body = ctx.body as Record<string, unknown>;
      body['interval'] = interval;
      if (typeof body['device_code'] === 'string') {
        store.upsert(MODEL, body['device_code'], { interval } satisfies PollState, deviceCodeTtl());
      }
      return;
    }
    if (oidc.route !== 'token' || !enforceInterval) return;
    const params = oidc.params as Record<string, unknown> | undefined;
    if (params?.['grant_type'] !== DEVICE_CODE_GRANT || typeof params['device_code'] !== 'string') return;
    const state = store.find(MODEL, params['device_code']) as PollState | undefined;
    if (!state) return;
    const now = Date.now();
    const tooSoon = state.lastPoll !== undefined && now - state.lastPoll < state.interval * 1000;
    state.lastPoll = now;
    if (tooSoon && isObject(ctx.body) && (ctx.body as { error?: string }).error === 'authorization_pending') {
      state.interval = Math.min(state.interval + 5, Math.max(interval, MAX_SLOW_DOWN_INTERVAL));
      ctx.status = 400;
      ctx.body = { error: 'slow_down', error_description: `polling too fast: wait at least ${state.interval} seconds between requests` };
    }
  };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value);
}
