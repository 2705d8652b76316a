import type Provider from 'oidc-provider';
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { ClientConfig, TenantConfig, UserConfig } from '../config/schema.ts';
import type { KeySet } from '../keys/key-set.ts';
import type { AppliedProfile } from '../profiles/index.ts';
import type { TrustedIssuers } from './trusted-issuers.ts';
import { MockIdpError } from '../errors.ts';

/*
 * Tokens that clients present to get other tokens: token-exchange subject and actor tokens
 * (RFC 8693) and JWT bearer assertions (RFC 7523). This tenant's own tokens (opaque access and
 * refresh tokens from its storage, JWTs checked against its keys and clock) and JWTs of trusted
 * issuers, each tied to a user of this tenant.
 */

export const TOKEN_TYPES = {
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  refresh_token: 'urn:ietf:params:oauth:token-type:refresh_token',
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;
export type TokenTypeName = keyof typeof TOKEN_TYPES;

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** What the grants need of a tenant. */
export interface GrantTenant {
  readonly name: string;
  readonly issuer: string;
  readonly provider: Provider;
  readonly keys: KeySet;
  readonly config: TenantConfig;
  readonly clients: ReadonlyMap<string, ClientConfig>;
  readonly users: ReadonlyMap<string, UserConfig>;
  readonly clock: { now(): number; nowSeconds(): number };
  readonly trustedIssuers: TrustedIssuers;
  readonly profile?: AppliedProfile | undefined;
  userBySub(sub: string): { username: string; user: UserConfig } | undefined;
  claimsOf(username: string, user: UserConfig): Record<string, unknown> & { sub: string };
}

export interface PresentedToken {
  /** Who issued it: this tenant or a trusted issuer. */
  issuer: string;
  local: boolean;
  /** The local user it is about (a client's own token has none). */
  username: string | undefined;
  user: UserConfig | undefined;
  /** The subject as this tenant names it (the user's sub, or a client id). */
  sub: string;
  /** The client it was issued to, when known. */
  clientId: string | undefined;
  scope: string | undefined;
  claims: JWTPayload;
}

/** Why a presented token cannot be used, in words (the grant answers it with its RFC's error code). */
export class PresentedTokenError extends MockIdpError {
  override readonly name: string = 'PresentedTokenError';
}

const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

export async function presentedToken(tenant: GrantTenant, token: string, type: TokenTypeName, field: string): Promise<PresentedToken> {
  if (type === 'refresh_token') return localRefreshToken(tenant, token, field);
  if (type === 'access_token' && !looksLikeJwt(token)) return localOpaqueAccessToken(tenant, token, field);
  if (!looksLikeJwt(token)) throw new PresentedTokenError(`${field} is not a JWT, as its token type says it is`);
  return jwtToken(tenant, token, field);
}

async function localRefreshToken(tenant: GrantTenant, token: string, field: string): Promise<PresentedToken> {
  const found = await tenant.provider.RefreshToken.find(token);
  if (!found || found.isExpired || found.consumed)
    throw new PresentedTokenError(`${field} is not a live refresh token of ${tenant.issuer} (unknown, expired, used or revoked)`);
  return fromStored(tenant, found, field);
}

async function localOpaqueAccessToken(tenant: GrantTenant, token: string, field: string): Promise<PresentedToken> {
  const found = await tenant.provider.AccessToken.find(token);
  if (!found || found.isExpired) throw new PresentedTokenError(`${field} is not a live access token of ${tenant.issuer} (unknown, expired or revoked)`);
  return fromStored(tenant, found, field);
}

function fromStored(
  tenant: GrantTenant,
  stored: { accountId?: string | undefined; clientId?: string | undefined; scope?: string | undefined },
  field: string,
): PresentedToken {
  const sub = stored.accountId!;
  const account = localUser(tenant, sub, field);
  return {
    issuer: tenant.issuer,
    local: true,
    ...account,
    sub,
    clientId: stored.clientId,
    scope: stored.scope,
    claims: { iss: tenant.issuer, sub, ...(stored.clientId ? { client_id: stored.clientId } : {}), ...(stored.scope ? { scope: stored.scope } : {}) },
  };
}

function localUser(tenant: GrantTenant, sub: string, field: string): { username: string | undefined; user: UserConfig | undefined } {
  const found = tenant.userBySub(sub);
  if (!found) return { username: undefined, user: undefined };
  if (found.user.disabled) throw new PresentedTokenError(`${field} is about user "${found.username}", who is disabled`);
  return found;
}

async function jwtToken(tenant: GrantTenant, token: string, field: string): Promise<PresentedToken> {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw new PresentedTokenError(`${field} is not a readable JWT`);
  }
  if (typeof iss !== 'string') throw new PresentedTokenError(`${field} has no iss`);
  const local = iss === tenant.issuer;
  let keys: JWTVerifyGetKey;
  let userClaim = 'sub';
  if (local) {
    keys = createLocalJWKSet(tenant.keys.publicJwks() as Parameters<typeof createLocalJWKSet>[0]);
  } else {
    const { trusted, unreachable } = await tenant.trustedIssuers.find(iss);
    if (!trusted) {
      throw new PresentedTokenError(
        `${field} is issued by ${iss}, which tenant "${tenant.name}" does not trust: add it to the tenant's trustedIssuers${unreachable.length > 0 ? ` (could not ask: ${unreachable.join('; ')})` : ''}`,
      );
    }
    keys = trusted.keys;
    userClaim = trusted.userClaim;
  }
  let claims: JWTPayload;
  try {
    claims = (await jwtVerify(token, keys, { issuer: iss, algorithms: ASYMMETRIC, currentDate: new Date(tenant.clock.now()), clockTolerance: 0 })).payload;
  } catch (error) {
    const reason = error instanceof joseErrors.JOSEError ? error.message : String(error);
    throw new PresentedTokenError(`${field} from ${iss} does not verify: ${reason}`);
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new PresentedTokenError(`${field} has no sub`);
  const clientId = typeof claims['client_id'] === 'string' ? claims['client_id'] : typeof claims['azp'] === 'string' ? claims['azp'] : undefined;
  const scope = typeof claims['scope'] === 'string' ? claims['scope'] : typeof claims['scp'] === 'string' ? claims['scp'] : undefined;
  if (local) return { issuer: iss, local, ...localUser(tenant, claims.sub, field), sub: claims.sub, clientId, scope, claims };
  const value = claims[userClaim];
  const match = typeof value === 'string' ? userNamed(tenant, value) : undefined;
  if (!match)
    throw new PresentedTokenError(
      `${field} from ${iss} names ${userClaim} ${JSON.stringify(value)}, and no user of tenant "${tenant.name}" has that sub, user name or email`,
    );
  if (match.user.disabled) throw new PresentedTokenError(`${field} is about user "${match.username}", who is disabled`);
  return { issuer: iss, local, ...match, sub: tenant.claimsOf(match.username, match.user).sub, clientId, scope, claims };
}

function userNamed(tenant: GrantTenant, value: string): { username: string; user: UserConfig } | undefined {
  const bySub = tenant.userBySub(value);
  if (bySub) return bySub;
  const byName = tenant.users.get(value);
  if (byName) return { username: value, user: byName };
  for (const [username, user] of tenant.users) if (user.email === value) return { username, user };
  return undefined;
}
