import { X509Certificate } from 'node:crypto';
import type { Context } from 'koa';
import { peekBody } from '../server/request-body.ts';
import { certificateFor } from './certificates.ts';
import type { ProfileTenant } from './profile.ts';

/*
 * Google endpoints that have no oidc-provider counterpart, as google-auth-library's OAuth2Client
 * uses them:
 * - /oauth2/v1/certs: the signing keys as a map kid -> PEM certificate (verifyIdToken's default format);
 * - /tokeninfo: what an access token (or an ID token) stands for, by the token alone;
 * - /revoke: revocation by the token alone, without client authentication (it ends the whole grant).
 */

/** Google's signing certificates are self-signed with this subject. */
const CERTIFICATE_SUBJECT = 'federated-signon.system.gserviceaccount.com';
const INVALID = { error: 'invalid_token', error_description: 'Invalid Value' };

/** GET: kid -> PEM certificate of each published RSA signing key (the keys of /oauth2/v3/certs). */
export async function pemCertificates(ctx: Context, tenant: ProfileTenant): Promise<void> {
  const certificates: Record<string, string> = {};
  for (const key of tenant.signingKeys()) {
    const made = certificateFor(key.privateJwk, CERTIFICATE_SUBJECT);
    if (made) certificates[key.kid] = new X509Certificate(Buffer.from(made.x5c, 'base64')).toString();
  }
  ctx.set('cache-control', 'public, max-age=300, must-revalidate, no-transform');
  ctx.body = certificates;
}

/** The parameters of a GET query or a form POST, and a bearer token. */
async function parameters(ctx: Context): Promise<URLSearchParams> {
  const params = new URLSearchParams(ctx.querystring);
  if (ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams((await peekBody(ctx)).toString('utf8'))) params.set(key, value);
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
  if (bearer && !params.has('access_token')) params.set('access_token', bearer);
  return params;
}

/** Google answers every scalar of tokeninfo as a string ("exp": "1700000000", "email_verified": "true"). */
function asStrings(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(claims).map(([key, value]) => [key, typeof value === 'number' || typeof value === 'boolean' ? String(value) : value]),
  );
}

/** GET or POST /tokeninfo with access_token (or a bearer header) or id_token. */
export async function tokenInfo(ctx: Context, tenant: ProfileTenant): Promise<void> {
  const params = await parameters(ctx);
  const idToken = params.get('id_token');
  const accessToken = params.get('access_token');
  ctx.set('cache-control', 'no-cache, no-store, max-age=0, must-revalidate');
  if (idToken) {
    const claims = await tenant.verifyIdToken(idToken);
    ctx.status = claims ? 200 : 400;
    ctx.body = claims ? asStrings(claims) : INVALID;
    return;
  }
  const token = accessToken ? await tenant.findToken(accessToken) : undefined;
  if (token?.kind !== 'AccessToken') {
    ctx.status = 400;
    ctx.body = INVALID;
    return;
  }
  const user = token.accountId ? tenant.claimsOf(token.accountId) : undefined;
  const scopes = token.scope.split(' ').filter(Boolean);
  ctx.body = asStrings({
    azp: token.clientId,
    aud: token.clientId,
    ...(token.accountId ? { sub: token.accountId } : {}),
    scope: scopes.filter((scope) => scope !== 'offline_access').join(' '),
    exp: token.exp,
    expires_in: Math.max(0, token.exp - tenant.nowSeconds()),
    ...(scopes.includes('email') && typeof user?.['email'] === 'string' ? { email: user['email'], email_verified: user['email_verified'] ?? true } : {}),
    access_type: scopes.includes('offline_access') ? 'offline' : 'online',
  });
}

/** POST /revoke?token=... (or token in the form): ends the grant of that access or refresh token. */
export async function revokeByToken(ctx: Context, tenant: ProfileTenant): Promise<void> {
  if (ctx.method !== 'POST') {
    ctx.status = 405;
    ctx.set('allow', 'POST');
    ctx.body = { error: 'invalid_request', error_description: 'revocation takes POST with the token in the query or the form' };
    return;
  }
  const value = (await parameters(ctx)).get('token');
  const token = value ? await tenant.findToken(value) : undefined;
  if (!token) {
    ctx.status = 400;
    ctx.body = { error: 'invalid_token', error_description: value ? 'Token expired or revoked' : 'Bad Request' };
    return;
  }
  if (token.grantId) tenant.revokeGrant(token.grantId);
  ctx.body = {};
}
