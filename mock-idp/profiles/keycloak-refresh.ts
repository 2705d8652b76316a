import { randomBytes, randomUUID } from 'node:crypto';
import { compactVerify, decodeJwt, SignJWT } from 'jose';

/*
 * Keycloak's refresh tokens are JWTs (typ Refresh, or Offline with offline_access), signed with a
 * realm secret (HS512) that only Keycloak knows; keycloak-js decodes them (refreshTokenParsed) and
 * fails on anything else. The IdP's refresh tokens are opaque, so the profile hands out a JWT that
 * wraps the IdP's token and turns it back into that token when it comes in (refresh, revocation,
 * introspection). A JWT it did not sign is passed on unchanged, and fails as any unknown token does.
 */

/** Keycloak's default SSO Session Idle (1800 s) is the exp of its refresh tokens. */
const SESSION_IDLE_SECONDS = 1800;
const WRAPPED = 'mockidp_refresh_token';

export function keycloakRefreshTokens(issuer: string) {
  const secret = randomBytes(64);
  return {
    /** The token response with its refresh token as a Keycloak-shaped JWT (claims from the access token beside it). */
    async wrap(body: Record<string, unknown>): Promise<Record<string, unknown>> {
      const opaque = body['refresh_token'];
      if (typeof opaque !== 'string') return body;
      const access: Record<string, unknown> = typeof body['access_token'] === 'string' ? safeDecode(body['access_token']) : {};
      const scope = typeof body['scope'] === 'string' ? body['scope'] : '';
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({
        jti: randomUUID(),
        iss: issuer,
        aud: issuer,
        sub: access['sub'] as string | undefined,
        typ: scope.split(' ').includes('offline_access') ? 'Offline' : 'Refresh',
        azp: access['azp'],
        sid: access['sid'],
        scope,
        [WRAPPED]: opaque,
      })
        .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
        .setIssuedAt(now)
        .setExpirationTime(now + SESSION_IDLE_SECONDS)
        .sign(secret);
      return { ...body, refresh_token: jwt, refresh_expires_in: SESSION_IDLE_SECONDS };
    },
    /** The IdP's own token inside a JWT this profile signed; the value itself otherwise. */
    async unwrap(value: string): Promise<string> {
      if (value.split('.').length !== 3) return value;
      try {
        // The signature says it is ours; whether the token inside is still good is the IdP's to decide.
        const { payload } = await compactVerify(value, secret, { algorithms: ['HS512'] });
        const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
        return typeof claims[WRAPPED] === 'string' ? claims[WRAPPED] : value;
      } catch {
        return value;
      }
    },
  };
}

function safeDecode(token: string): Record<string, unknown> {
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    return {};
  }
}
