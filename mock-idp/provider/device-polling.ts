import type { Context, Middleware, Next } from 'koa';
import { peekParams, type PeekedParams } from '../faults/request.ts';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { TtlStore } from './store.ts';

/*
 * RFC 8628 polling rules that oidc-provider leaves out: the device authorization response
 * announces an `interval`, and a client that polls the token endpoint sooner than its interval
 * gets `slow_down`, after which its interval is 5 seconds longer (RFC 8628 §3.5). The check comes
 * before the IdP handles the poll, so a client that polls too fast gets slow_down whether or not
 * the user has approved yet (the tokens wait for a poll that keeps the interval). A slow_down
 * answered by a fault rule counts the same (recordSlowDown). Time is the tenant's clock, so tests
 * advance it instead of sleeping.
 */

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/**
 * slow_down adds 5 s per answer; polls that arrive together would otherwise push the interval past
 * the code's lifetime (200 concurrent polls: 1005 s). It stops growing at a minute (or at the
 * announced interval, when that is longer).
 */
const MAX_SLOW_DOWN_INTERVAL = 60;
const MODEL = 'DevicePolling';

interface PollState {
  interval: number;
  lastPoll?: number;
}

export interface DevicePollingOptions {
  /** Paths of the device authorization and token endpoints inside the tenant. */
  deviceAuthorizationPath: string;
  tokenPath: string;
  interval: number;
  enforceInterval: boolean;
  deviceCodeTtl: () => number;
}

/** A slow_down was answered for this device code (by a fault rule): the client must now wait 5 s longer. */
export function recordSlowDown(store: TtlStore, deviceCode: string): void {
  const state = store.find(MODEL, deviceCode) as PollState | undefined;
  if (!state) return;
  state.interval = Math.min(state.interval + 5, Math.max(state.interval, MAX_SLOW_DOWN_INTERVAL));
  state.lastPoll = Date.now();
}

export function devicePolling(store: TtlStore, options: () => DevicePollingOptions): Middleware {
  return function devicePolling(ctx, next) {
    const current = options();
    if (ctx.method !== 'POST') return next();
    if (ctx.path === current.deviceAuthorizationPath) return announceInterval(ctx, next, store, current);
    // Only a device code polled before can be polled too soon: other token requests keep their body unread.
    if (ctx.path === current.tokenPath && current.enforceInterval && store.countOf(MODEL) > 0) return keepInterval(ctx, next, store, current);
    return next();
  };
}

/** The device authorization response says how long to wait between polls, and the code's polls are followed from then on. */
async function announceInterval(ctx: Context, next: Next, store: TtlStore, options: DevicePollingOptions): Promise<void> {
  await next();
  const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
  if (oidc?.route !== 'device_authorization' || ctx.status !== 200 || !isObject(ctx.body)) return;
  const body = ctx.body as Record<string, unknown>;
  body['interval'] = options.interval;
  if (typeof body['device_code'] === 'string') {
    store.upsert(MODEL, body['device_code'], { interval: options.interval } satisfies PollState, options.deviceCodeTtl());
  }
}

async function keepInterval(ctx: Context, next: Next, store: TtlStore, options: DevicePollingOptions): Promise<void> {
  if (slowedDown(ctx, store, await peekParams(ctx), options.interval)) return;
  await next();
}

/** Answers slow_down (and lengthens the interval) when a device code is polled sooner than its interval allows. */
function slowedDown(ctx: Context, store: TtlStore, params: PeekedParams, announced: number): boolean {
  const deviceCode = params.credentials?.device_code;
  if (params.grant !== DEVICE_CODE_GRANT || deviceCode === undefined) return false;
  const state = store.find(MODEL, deviceCode) as PollState | undefined;
  if (!state) return false;
  const now = Date.now();
  const tooSoon = state.lastPoll !== undefined && now - state.lastPoll < state.interval * 1000;
  state.lastPoll = now;
  if (!tooSoon) return false;
  state.interval = Math.min(state.interval + 5, Math.max(announced, MAX_SLOW_DOWN_INTERVAL));
  ctx.status = 400;
  ctx.set('cache-control', 'no-store');
  ctx.body = { error: 'slow_down', error_description: `polling too fast: wait at least ${state.interval} seconds between requests` };
  return true;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value);
}
