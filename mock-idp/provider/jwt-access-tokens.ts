import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { TtlStore } from './store.ts';

/*
 * oidc-provider does not store JWT access tokens, so its introspection and revocation endpoints
 * answer unsupported_token_type for them. Real providers (Keycloak, Okta) introspect and revoke
 * their JWT access tokens, and clients depend on it, so after oidc-provider has authenticated the
 * caller we take over for JWTs: verify the token against the tenant's keys and clock, and keep
 * revoked token ids until the token would have expired anyway.
 */

const REVOKED = 'RevokedJwtAccessToken';

export interface JwtAccessTokenOptions {
  /** Paths of the introspection and revocation endpoints inside the tenant. */
  paths: string[];
  issuer: string;
  jwks: () => JSONWebKeySet;
  store: TtlStore;
}

function isJwt(token: unknown): token is string {
  if (typeof token !== 'string') return false;
  try {
    return decodeProtectedHeader(token).typ === 'at+jwt';
  } catch {
    return false;
  }
}

async function verified(token: string, options: JwtAccessTokenOptions) {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(options.jwks()), { issuer: options.issuer, typ: 'at+jwt', currentDate: new Date(Date.now()) });
    if (typeof payload.jti === 'string' && options.store.find(REVOKED, payload.jti)) return undefined;
    return payload;
  } catch {
    return undefined;
  }
}

export function jwtAccessTokens(options: JwtAccessTokenOptions): Middleware {
  return async function jwtAccessTokens(ctx, next) {
    if (ctx.method !== 'POST' || !options.paths.includes(ctx.path)) return next();
    await next();
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    if (!oidc || (oidc.route !== 'introspection' && oidc.route !== 'revocation')) return;
    if ((ctx.body as { error?: string } | undefined)?.error !== 'unsupported_token_type') return;
    const token = (oidc.params as Record<string, unknown> | undefined)?.['token'];
    if (!isJwt(token) || !oidc.client) return;
    const payload = await verified(token, options);
    ctx.status = 200;
    if (oidc.route === 'revocation') {
      if (payload && payload['client_id'] === oidc.client.clientId && typeof payload.jti === 'string') {
        options.store.upsert(REVOKED, payload.jti, { jti: payload.jti }, Math.max(1, (payload.exp ?? 0) - Math.floor(Date.now() / 1000)));
      }
      ctx.body = '';
      return;
    }
    ctx.body = payload ? { ...payload, active: true, token_type: 'Bearer' } : { active: false };
  };
}
