import { randomBytes } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import type { Middleware } from 'koa';
import type { SigningAlg, UserConfig } from '../config/schema.ts';
import type { KeySet } from '../keys/key-set.ts';
import { HttpError } from '../server/http-error.ts';
import type { TtlStore } from './store.ts';

/*
 * Aggregated and Distributed Claims (OpenID Connect Core §5.6.2), the IdP acting as its own claims
 * provider. A user's aggregatedClaims come in userinfo as a JWT in _claim_sources, signed with the
 * tenant's key; their distributedClaims are named there with an endpoint and an access token, and
 * GET <issuer>/claims with that token answers them as a signed JWT.
 */

export const CLAIMS_PATH = '/claims';
const MODEL = 'ClaimsAccess';
const TOKEN_TTL_SECONDS = 3600;

export interface ClaimSourcesHost {
  issuer: string;
  keys: KeySet;
  alg: SigningAlg;
  store: TtlStore;
}

async function signed(host: ClaimSourcesHost, sub: string, claims: Record<string, unknown>): Promise<string> {
  const key = host.keys.active(host.alg) ?? host.keys.keys.find((candidate) => candidate.status === 'active');
  if (!key) throw new Error('the tenant has no signing key for its claims');
  return new SignJWT({ ...claims, sub })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(host.issuer)
    .setIssuedAt()
    .sign(await importJWK(key.privateJwk, key.alg));
}

/** _claim_names and _claim_sources for a user's userinfo, or nothing when the user has no such claims. */
export async function claimSources(host: ClaimSourcesHost, username: string, sub: string, user: UserConfig): Promise<Record<string, unknown>> {
  const names: Record<string, string> = {};
  const sources: Record<string, unknown> = {};
  if (Object.keys(user.aggregatedClaims).length > 0) {
    for (const claim of Object.keys(user.aggregatedClaims)) names[claim] = 'aggregated';
    sources['aggregated'] = { JWT: await signed(host, sub, user.aggregatedClaims) };
  }
  if (Object.keys(user.distributedClaims).length > 0) {
    const token = randomBytes(24).toString('base64url');
    host.store.upsert(MODEL, token, { username, sub }, TOKEN_TTL_SECONDS);
    for (const claim of Object.keys(user.distributedClaims)) names[claim] = 'distributed';
    sources['distributed'] = { endpoint: `${host.issuer}${CLAIMS_PATH}`, access_token: token };
  }
  return Object.keys(names).length > 0 ? { _claim_names: names, _claim_sources: sources } : {};
}

/** GET <issuer>/claims with the access token of a distributed claims source: the claims as a signed JWT. */
export function claimsEndpoint(host: () => ClaimSourcesHost, users: () => ReadonlyMap<string, UserConfig>): Middleware {
  return async function distributedClaims(ctx, next) {
    if (ctx.path !== CLAIMS_PATH) return next();
    if (ctx.method !== 'GET') throw new HttpError(405, 'invalid_request', 'the claims endpoint answers GET only');
    const token = /^Bearer (\S+)$/i.exec(ctx.get('authorization'))?.[1];
    const grant = token ? (host().store.find(MODEL, token) as { username?: string; sub?: string } | undefined) : undefined;
    const user = grant?.username ? users().get(grant.username) : undefined;
    if (!grant || !user) {
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new HttpError(401, 'invalid_token', 'send the access_token of the distributed claims source as a bearer token');
    }
    ctx.type = 'application/jwt';
    ctx.body = await signed(host(), grant.sub!, user.distributedClaims);
  };
}
