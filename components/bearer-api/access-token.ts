import type { Context } from 'koa';
import { decodeJwt, type JWTPayload } from 'jose';
import type { Discovery } from '../oidc/discovery.ts';
import { TokenError, UpstreamError } from '../oidc/errors.ts';
import { excerpt, fetchJson, isObject } from '../oidc/http.ts';
import type { TokenValidator } from '../oidc/token-validator.ts';
import { HttpError } from '../server/http-error.ts';
import { unauthorized } from './challenge.ts';

/*
 * Who is calling: the bearer token (RFC 6750) checked and turned into claims. JWT access tokens
 * are validated locally (signature, iss, aud, exp, ...); other tokens, if allowed, are sent to the
 * IdP's userinfo endpoint, which only answers for live user tokens.
 */

/** The access token and how it was presented: "Bearer <token>" (RFC 6750) or "DPoP <token>" (RFC 9449). */
export function readAuthorization(ctx: Context): { scheme: 'Bearer' | 'DPoP'; token: string } {
  const header = ctx.get('authorization');
  if (!header) throw unauthorized(undefined);
  const match = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/.exec(header);
  if (!match) throw unauthorized('the Authorization header must be "Bearer <token>" or "DPoP <token>"');
  return { scheme: match[1] as 'Bearer' | 'DPoP', token: match[2]! };
}

const looksLikeJwt = (token: string) => token.split('.').length === 3;

export interface AccessTokenVerifier {
  validator: TokenValidator;
  discovery: Discovery;
  opaqueTokens: 'userinfo' | 'reject';
  timeoutMs: number;
}

export async function verifyAccessToken(token: string, verifier: AccessTokenVerifier): Promise<JWTPayload> {
  if (looksLikeJwt(token)) {
    try {
      return await verifier.validator.validate(token);
    } catch (error) {
      if (error instanceof TokenError) throw unauthorized(error.message);
      throw error;
    }
  }
  if (verifier.opaqueTokens === 'reject') throw unauthorized('only JWT access tokens are accepted');
  return userinfoClaims(token, verifier);
}

async function userinfoClaims(token: string, verifier: AccessTokenVerifier): Promise<JWTPayload> {
  const { userinfo_endpoint: endpoint } = await verifier.discovery.get();
  if (!endpoint) throw new UpstreamError('the IdP has no userinfo_endpoint to check opaque tokens with');
  const response = await fetchJson(endpoint, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    timeoutMs: verifier.timeoutMs,
    what: 'userinfo',
  });
  if (response.status === 401 || response.status === 400) throw unauthorized('the IdP does not know this token, or it expired or was revoked');
  if (response.status !== 200 || !isObject(response.body))
    throw new UpstreamError(`userinfo answered ${response.status}: ${excerpt(response.text)}`, response.status);
  if (typeof response.body['sub'] !== 'string') throw new UpstreamError('userinfo answered without a sub');
  return response.body as JWTPayload;
}

/** FLAW roles-from-unverified-claim: the payload is read, its signature never checked. */
export async function decodeAccessToken(token: string, verifier: AccessTokenVerifier): Promise<JWTPayload> {
  if (!looksLikeJwt(token)) return userinfoClaims(token, verifier);
  try {
    const claims = decodeJwt(token);
    if (typeof claims.exp === 'number' && claims.exp * 1000 < verifier.validator.policy.now()) throw unauthorized('the token expired');
    return claims;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw unauthorized('the token is not a JWT');
  }
}
