import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { endpointOf, type EndpointName } from '../provider/endpoints.ts';
import { accountIdOf } from '../provider/entities.ts';
import type { FiredFault, Journal } from './journal.ts';
import { boundText, maskAuthorization, maskParams } from '../../common/mask.ts';
import { decodeTokens } from './tokens.ts';
import type { Logger } from '../server/logger.ts';

export interface JournalTenants {
  /** Maps a sub back to a user name, for the tenant named. */
  usernameOf(tenant: string, sub: string): string | undefined;
}

/** What a request to a tenant was, written to the journal once its response is ready. */
export type RequestRecorder = (ctx: Context, tenant: string, started: { at: number; clock: number }) => void;

export function requestRecorder(journal: Journal, tenants: JournalTenants, logger: Logger, options: { debug: boolean }): RequestRecorder {
  const { debug } = options;
  return function recordRequest(ctx, tenant, started) {
    const latencyMs = performance.now() - started.clock;
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc as KoaContextWithOIDC['oidc'] | undefined;
    const { method, path, status } = ctx;
    // Parameters are masked and cut down at once: a request may carry megabytes, and secrets are
    // better never held. Looking up users and decoding tokens wait until the journal is read.
    const ownBody = (ctx.request as { body?: unknown }).body;
    const params = maskParams(
      ctx.querystring ? ctx.query : undefined,
      oidc?.body as Record<string, unknown> | undefined,
      isRecord(ownBody) ? ownBody : undefined,
    );
    const clientId = oidc?.client?.clientId;
    const accountId = accountIdOf(ctx);
    const body = ctx.body as { error?: unknown } | undefined;
    const tokenResponse = status === 200 && oidc?.route === 'token' ? body : undefined;
    const error = status >= 400 && body && typeof body === 'object' && typeof body.error === 'string' ? body.error : undefined;
    const { authorization, 'x-mockidp-scenario': scenario, 'user-agent': userAgent } = ctx.headers;
    const faults = (ctx.state as { faults?: FiredFault[] }).faults;
    // A provider profile serves endpoints under its own paths; it names the endpoint it served.
    const servedEndpoint = (ctx.state as { endpoint?: EndpointName }).endpoint;
    const auth = maskAuthorization(authorization || undefined);
    const agent = userAgent ? boundText(userAgent, 512) : undefined;
    const bytes = textBytes(params) + (auth?.length ?? 0) + (agent?.length ?? 0) + textBytes(tokenResponse);
    journal.record(
      {
        at: started.at,
        tenant,
        endpoint: servedEndpoint ?? endpointOf(path.slice(tenant.length + 1) || '/'),
        method,
        path: boundText(path, 2048),
        status,
        latencyMs: Math.round(latencyMs * 100) / 100,
        scenario: typeof scenario === 'string' && scenario ? boundText(scenario, 256) : undefined,
      },
      () => {
        const user = accountId === undefined ? undefined : (tenants.usernameOf(tenant, accountId) ?? accountId);
        return {
          params,
          ...optional('clientId', clientId ?? stringParam(params['client_id'])),
          ...optional('grantType', stringParam(params['grant_type'])),
          ...optional('user', user),
          ...optional('authorization', auth),
          ...optional('error', error),
          ...optional('tokens', decodeTokens(tokenResponse)),
          ...optional('userAgent', agent),
          ...optional('faults', faults),
        };
      },
      bytes,
    );
    if (debug) logger.debug(`${tenant} ${method} ${path} ${status} ${latencyMs.toFixed(1)}ms`);
  };
}

/** The length of the strings of an object (the tokens of a token response are kept until the entry is read). */
function textBytes(body: unknown): number {
  if (!isRecord(body)) return 0;
  let bytes = 0;
  for (const value of Object.values(body)) if (typeof value === 'string') bytes += value.length;
  return bytes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
