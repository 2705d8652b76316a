import { X509Certificate } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { deviceAuthorization, discovery, profiledTenant, rawLogin, tokenRequest } from './support.ts';

const idp = await startTestIdp({
  tenants: {
    google: profiledTenant({ name: 'google', hostedDomain: 'example.com' }),
    legacy: profiledTenant({ name: 'google', issuer: 'scheme-less' }),
    offline: profiledTenant('google'),
  },
});

describe('google profile', () => {
  it('publishes Google-shaped discovery: its endpoint paths, RS256 only, post and basic client auth, plain and S256, no end_session_endpoint', async () => {
    const doc = await discovery(idp, 'google');
    expect(doc.issuer).toBe(idp.issuer('google'));
    expect(doc['authorization_endpoint']).toBe(`${idp.issuer('google')}/o/oauth2/v2/auth`);
    expect(doc['jwks_uri']).toBe(`${idp.issuer('google')}/oauth2/v3/certs`);
    expect(doc['id_token_signing_alg_values_supported']).toEqual(['RS256']);
    expect(doc['token_endpoint_auth_methods_supported']).toEqual(['client_secret_post', 'client_secret_basic']);
    expect(doc['code_challenge_methods_supported']).toEqual(['plain', 'S256']);
    expect(doc).not.toHaveProperty('end_session_endpoint');
  });

  it('has no logout endpoint at all', async () => {
    expect((await fetch(`${idp.issuer('google')}/session/end`)).status).toBe(404);
  });

  it('lets openid-client log in, with a numeric sub, a boolean email_verified and hd only for the hosted domain', async () => {
    const rp = await relyingParty(idp.issuer('google'), 'web', { secret: 'web-secret' });
    const alice = (await loginWithCode(rp, { username: 'alice' })).tokens.claims()!;
    expect(alice.sub).toMatch(/^\d{21}$/);
    expect(alice['email_verified']).toBe(true);
    expect(alice['hd']).toBe('example.com');
    const bob = decodeJwt((await rawLogin(idp, 'google', { username: 'bob' })).body['id_token'] as string);
    expect(bob['hd']).toBeUndefined();
  });

  it('gives no refresh token without access_type=offline, even when offline_access is asked', async () => {
    const login = await rawLogin(idp, 'google', { scope: 'openid email offline_access', extra: { prompt: 'consent' } });
    expect(login.status).toBe(200);
    expect(login.body).not.toHaveProperty('refresh_token');
  });

  it('gives a refresh token with access_type=offline and a consent prompt', async () => {
    const login = await rawLogin(idp, 'google', { scope: 'openid email', extra: { access_type: 'offline', prompt: 'consent' } });
    expect(login.body['refresh_token']).toBeTypeOf('string');
  });

  it("gives a refresh token for access_type=offline on the user's first consent to the client, even without prompt=consent", async () => {
    const login = await rawLogin(idp, 'offline', { username: 'alice', scope: 'openid email', extra: { access_type: 'offline' } });
    expect(login.status).toBe(200);
    expect(login.body['refresh_token']).toBeTypeOf('string');
  });

  it('omits the refresh token from later offline logins of a user who already consented, until the client sends prompt=consent', async () => {
    const first = await rawLogin(idp, 'offline', { username: 'bob', scope: 'openid email', extra: { access_type: 'offline' } });
    expect(first.body['refresh_token']).toBeTypeOf('string');
    const again = await rawLogin(idp, 'offline', { username: 'bob', scope: 'openid email', extra: { access_type: 'offline' } });
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('refresh_token');
    const prompted = await rawLogin(idp, 'offline', { username: 'bob', scope: 'openid email', extra: { access_type: 'offline', prompt: 'consent' } });
    expect(prompted.body['refresh_token']).toBeTypeOf('string');
  });

  it("answers a dead refresh token with Google's message", async () => {
    const { status, body } = await tokenRequest(idp, 'google', { grant_type: 'refresh_token', refresh_token: 'revoked-long-ago' }, 'web:web-secret');
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });

  it('names the device verification page verification_url', async () => {
    const { status, body } = await deviceAuthorization(idp, 'google');
    expect(status).toBe(200);
    expect(body['verification_url']).toMatch(/\/device$/);
    expect(body).not.toHaveProperty('verification_uri');
    expect(body).not.toHaveProperty('verification_uri_complete');
  });

  it('with the legacy issuer, writes it without a scheme in ID tokens and discovery', async () => {
    const schemeLess = idp.issuer('legacy').replace(/^http:\/\//, '');
    expect((await discovery(idp, 'legacy')).issuer).toBe(schemeLess);
    expect((await rawLogin(idp, 'legacy')).idToken['iss']).toBe(schemeLess);
  });

  it('publishes bare JWKs at /oauth2/v3/certs, without x5c or x5t', async () => {
    const { keys } = (await (await fetch(`${idp.issuer('google')}/oauth2/v3/certs`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toHaveProperty('x5c');
      expect(key).not.toHaveProperty('x5t');
    }
  });
});

describe('google profile: its own endpoints', () => {
  const google = () => idp.issuer('google');

  it('publishes the keys of /oauth2/v3/certs as PEM certificates at /oauth2/v1/certs, by kid', async () => {
    const { keys } = (await (await fetch(`${google()}/oauth2/v3/certs`)).json()) as { keys: Array<{ kid: string; n: string }> };
    const pems = (await (await fetch(`${google()}/oauth2/v1/certs`)).json()) as Record<string, string>;
    expect(Object.keys(pems).sort()).toEqual(keys.map((key) => key.kid).sort());
    for (const key of keys) {
      const certificate = new X509Certificate(pems[key.kid]!);
      expect(certificate.publicKey.export({ format: 'jwk' })['n']).toBe(key.n);
    }
  });

  it("answers tokeninfo for an access token in the query with Google's string-valued fields", async () => {
    const login = await rawLogin(idp, 'google', { scope: 'openid email' });
    const info = (await (await fetch(`${google()}/tokeninfo?access_token=${login.accessToken}`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      aud: 'web',
      azp: 'web',
      scope: 'openid email',
      email: 'alice@example.com',
      email_verified: 'true',
      access_type: 'online',
      exp: expect.stringMatching(/^\d+$/),
      expires_in: expect.stringMatching(/^\d+$/),
    });
  });

  it('answers tokeninfo for an ID token with its claims, and 400 invalid_token for anything else', async () => {
    const login = await rawLogin(idp, 'google');
    const info = (await (await fetch(`${google()}/tokeninfo?id_token=${String(login.body['id_token'])}`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ iss: google(), aud: 'web', sub: login.idToken['sub'], exp: expect.stringMatching(/^\d+$/) });
    for (const query of ['', '?access_token=nonsense', '?id_token=eyJhbGciOiJub25lIn0.e30.']) {
      const response = await fetch(`${google()}/tokeninfo${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid Value' });
    }
  });

  it('revokes by the token alone (POST /revoke?token=), refuses GET, and says so for an unknown token', async () => {
    const login = await rawLogin(idp, 'google');
    expect((await fetch(`${google()}/revoke?token=${login.accessToken}`)).status).toBe(405);
    expect((await fetch(`${google()}/revoke?token=${login.accessToken}`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${google()}/tokeninfo?access_token=${login.accessToken}`)).status).toBe(400);
    const again = await fetch(`${google()}/revoke?token=${login.accessToken}`, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  });
});
