import type { Context, Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { endpointOf } from '../provider/endpoints.ts';
import type { Journal } from './journal.ts';
import { maskAuthorization, maskParams } from './mask.ts';
import type { Logger } from '../server/logger.ts';

export interface JournalTenants {
  /** Maps a sub back to a user name, for the tenant named. */
  usernameOf(tenant: string, sub: string): string | undefined;
  has(tenant: string): boolean;
}

const ACCOUNT_ENTITIES = ['Account', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'AccessToken', 'Session'] as const;

function accountIdOf(ctx: KoaContextWithOIDC): string | undefined {
  const entities = ctx.oidc.entities as Record<string, { accountId?: string } | undefined>;
  for (const name of ACCOUNT_ENTITIES) {
    const accountId = entities[name]?.accountId;
    if (accountId) return accountId;
  }
  return undefined;
}

/** Records each request to a tenant once its response is ready. */
export function journalMiddleware(journal: Journal, tenants: JournalTenants, logger: Logger): Middleware {
  return async function journalRequests(ctx: Context, next) {
    const tenant = ctx.path.split('/', 2)[1] ?? '';
    if (!tenants.has(tenant)) return next();
    const started = performance.now();
    try {
      await next();
    } finally {
      const innerPath = ctx.path.slice(tenant.length + 1) || '/';
      const oidc = (ctx as unknown as KoaContextWithOIDC).oidc as KoaContextWithOIDC['oidc'] | undefined;
      const params: Record<string, unknown> = { ...ctx.query, ...(oidc?.body as Record<string, unknown> | undefined), ...(ctx.request as { body?: Record<string, unknown> }).body };
      const accountId = oidc ? accountIdOf(ctx as unknown as KoaContextWithOIDC) : undefined;
      const body = ctx.body as { error?: unknown } | undefined;
      const entry = journal.record({
        at: new Date().toISOString(),
        tenant,
        endpoint: endpointOf(innerPath),
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        params: maskParams(params),
        ...optional('clientId', oidc?.client?.clientId ?? stringParam(params['client_id'])),
        ...optional('grantType', stringParam(params['grant_type'])),
        ...optional('user', accountId === undefined ? undefined : (tenants.usernameOf(tenant, accountId) ?? accountId)),
        ...optional('authorization', maskAuthorization(ctx.get('authorization') || undefined)),
        ...optional('error', ctx.status >= 400 && body && typeof body === 'object' && typeof body.error === 'string' ? body.error : undefined),
        ...optional('scenario', ctx.get('x-mockidp-scenario') || undefined),
        ...optional('userAgent', ctx.get('user-agent') || undefined),
      });
      logger.debug(`${entry.tenant} ${entry.method} ${entry.endpoint} ${entry.status} ${entry.latencyMs}ms ${JSON.stringify(entry.params)}`);
    }
  };
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
