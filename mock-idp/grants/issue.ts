import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { errors } from 'oidc-provider';
import type { ClientConfig, SigningAlg } from '../config/schema.ts';
import type { GrantTenant } from './presented-tokens.ts';

/*
 * The tokens the exchange grants hand out: JWT access tokens (typ at+jwt, introspectable and
 * revocable like the tenant's other JWT access tokens) and ID tokens, signed with the tenant's keys
 * and stamped with its clock, and the audience a client may get them for.
 */

export function asList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The one audience (or resource) asked for, else the client's own audience, else the client itself; refused unless the client may have it. */
export function targetAudience(params: Record<string, unknown>, clientId: string, client: ClientConfig): string {
  const asked = [...asList(params['audience']), ...asList(params['resource'])];
  if (asked.length > 1) throw new errors.InvalidTarget(`ask for one audience or resource per request (got ${asked.join(', ')})`);
  const target = asked[0] ?? client.audience ?? clientId;
  const allowed = target === clientId || target === client.audience || client.exchangeAudiences.includes('*') || client.exchangeAudiences.includes(target);
  if (!allowed) throw new errors.InvalidTarget(`client "${clientId}" may not get tokens for "${target}": add it to the client's exchangeAudiences`);
  return target;
}

function signingKey(tenant: GrantTenant, alg: string | undefined) {
  const chosen = (alg ?? tenant.config.defaultAlg) as SigningAlg;
  const key = tenant.keys.active(chosen) ?? tenant.keys.active(tenant.config.defaultAlg);
  if (!key) throw new Error(`tenant "${tenant.name}" has no active key for ${chosen}`);
  return key;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  payload: JWTPayload;
}

/** A JWT access token for `audience`, about `sub`, for the requesting client. */
export async function issueAccessToken(
  tenant: GrantTenant,
  request: {
    clientId: string;
    client: ClientConfig;
    sub: string;
    username: string | undefined;
    audience: string;
    scope: string | undefined;
    claims?: Record<string, unknown>;
    typ?: string;
  },
): Promise<IssuedToken> {
  const now = tenant.clock.nowSeconds();
  const expiresIn = request.client.ttl?.accessToken ?? tenant.config.ttl.accessToken;
  const user = request.username === undefined ? undefined : tenant.users.get(request.username);
  // An exchanged token stands for no browser session of its own.
  const profileClaims = tenant.profile?.accessTokenClaims?.({
    clientId: request.clientId,
    username: request.username,
    user,
    scope: request.scope ?? '',
    sessionUid: undefined,
  });
  const payload: JWTPayload = {
    ...profileClaims,
    ...request.client.claims,
    ...request.claims,
    iss: tenant.issuer,
    sub: request.sub,
    aud: request.audience,
    client_id: request.clientId,
    iat: now,
    exp: now + expiresIn,
    jti: randomUUID(),
    ...(request.scope ? { scope: request.scope } : {}),
  };
  const { token } = await tenant.keys.sign(signingKey(tenant, request.client.accessTokenAlg), payload, request.typ ?? 'at+jwt');
  return { token, expiresIn, payload };
}

/** An ID token about a user for the requesting client. */
export async function issueIdToken(
  tenant: GrantTenant,
  request: { clientId: string; client: ClientConfig; username: string; claims?: Record<string, unknown> },
): Promise<IssuedToken> {
  const user = tenant.users.get(request.username)!;
  const now = tenant.clock.nowSeconds();
  const expiresIn = request.client.ttl?.idToken ?? tenant.config.ttl.idToken;
  const payload: JWTPayload = {
    ...tenant.claimsOf(request.username, user),
    ...request.claims,
    iss: tenant.issuer,
    aud: request.clientId,
    azp: request.clientId,
    iat: now,
    exp: now + expiresIn,
  };
  const { token } = await tenant.keys.sign(signingKey(tenant, request.client.idTokenAlg), payload, 'JWT');
  return { token, expiresIn, payload };
}
