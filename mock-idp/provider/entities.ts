import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** Entities of a request that name its user, in the order they are trusted. */
const ACCOUNT_ENTITIES = ['Account', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'AccessToken', 'Session'] as const;

/** The sub of the user a request handled by oidc-provider is about, if any. */
export function accountIdOf(ctx: Context): string | undefined {
  const entities = (ctx as unknown as KoaContextWithOIDC).oidc?.entities as Record<string, { accountId?: string } | undefined> | undefined;
  for (const name of ACCOUNT_ENTITIES) {
    const accountId = entities?.[name]?.accountId;
    if (accountId) return accountId;
  }
  return undefined;
}
