import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { deviceAuthorization, discovery, profiledTenant, rawLogin, tokenRequest } from './support.ts';

const idp = await startTestIdp({ tenants: { google: profiledTenant({ name: 'google', hostedDomain: 'example.com' }), legacy: profiledTenant({ name: 'google', issuer: 'scheme-less' }), offline: profiledTenant('google') } });

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

  it('gives a refresh token for access_type=offline on the user\'s first consent to the client, even without prompt=consent', async () => {
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

  it('answers a dead refresh token with Google\'s message', async () => {
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
