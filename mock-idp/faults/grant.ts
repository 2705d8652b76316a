import type { Context } from 'koa';
import { decodeJwt } from 'jose';
import type { PeekedParams } from './request.ts';

/*
 * The grant and the user a request is about, found before the IdP handles it: from the code,
 * refresh token or device code of a token request, the token of an introspection or revocation
 * request, or the bearer access token of a userinfo request. Fault rules use it to match a user
 * before answering instead of the IdP, and to revoke the grant (revokeGrant).
 */

export interface GrantHost {
  /** The stored payload of an opaque token (its value is its id). */
  findToken(model: string, id: string): { grantId?: string; accountId?: unknown } | undefined;
  usernameOf(sub: string): string | undefined;
}

export interface RequestGrant {
  grantId?: string | undefined;
  user?: string | undefined;
}

function bearer(ctx: Context): string | undefined {
  const match = /^bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
  return match?.[1] ?? (typeof ctx.query['access_token'] === 'string' ? ctx.query['access_token'] : undefined);
}

/** Where to look each credential up, most specific first. */
function candidates(ctx: Context, peeked: PeekedParams): Array<[string[], string]> {
  const { credentials = {} } = peeked;
  const out: Array<[string[], string]> = [];
  if (credentials.refresh_token) out.push([['RefreshToken'], credentials.refresh_token]);
  if (credentials.code) out.push([['AuthorizationCode'], credentials.code]);
  if (credentials.device_code) out.push([['DeviceCode'], credentials.device_code]);
  if (credentials.token) out.push([['AccessToken', 'RefreshToken', 'ClientCredentials'], credentials.token]);
  const access = bearer(ctx);
  if (access) out.push([['AccessToken'], access]);
  return out;
}

export function grantOf(ctx: Context, peeked: PeekedParams, host: GrantHost): RequestGrant | undefined {
  for (const [models, value] of candidates(ctx, peeked)) {
    for (const model of models) {
      const payload = host.findToken(model, value);
      if (!payload) continue;
      const sub = typeof payload.accountId === 'string' ? payload.accountId : undefined;
      return { grantId: payload.grantId, user: sub === undefined ? undefined : (host.usernameOf(sub) ?? sub) };
    }
    // A JWT access token is not stored: its subject is all there is to know.
    if (value.split('.').length === 3) {
      try {
        const { sub } = decodeJwt(value);
        if (typeof sub === 'string') return { user: host.usernameOf(sub) ?? sub };
      } catch {
        // not a JWT after all
      }
    }
  }
  return undefined;
}
