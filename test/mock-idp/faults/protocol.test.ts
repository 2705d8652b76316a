import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { browserlessLogin } from '../../../harness/actors/browserless-login.ts';
import { OAUTH_ERRORS } from '../../../mock-idp/index.ts';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { authorize, rawLogin, REDIRECT_URI, serviceToken } from './support.ts';

const idp = await startTestIdp();
const issuer = idp.issuer('default');

afterEach(async () => {
  await idp.admin.faults.clear('default');
});

describe('OAuth error responses', () => {
  it('answers invalid_grant with 400 at the token endpoint', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { oauthError: 'invalid_grant', description: 'refresh token reused' } });
    const response = await serviceToken(idp);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'refresh token reused' });
  });

  it('answers invalid_client with 401 and WWW-Authenticate', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { oauthError: 'invalid_client' } });
    const response = await serviceToken(idp);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('answers temporarily_unavailable with 503 and Retry-After', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { oauthError: 'temporarily_unavailable', retryAfter: 10 } });
    const response = await serviceToken(idp);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
  });

  it('sends authorization errors to the redirect URI with the state and the issuer', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'authorize' }, action: { oauthError: 'login_required' } });
    const query = new URLSearchParams({
      client_id: 'demo',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
      state: 's-1',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
    const response = await fetch(`${issuer}/auth?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'login_required', state: 's-1', iss: issuer });
  });

  it('never redirects an authorization error to a redirect URI the client did not register', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'authorize' }, action: { oauthError: 'access_denied' } });
    const query = new URLSearchParams({ client_id: 'demo', response_type: 'code', redirect_uri: 'https://evil.example/cb', state: 's' });
    const response = await fetch(`${issuer}/auth?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('answers slow_down, expired_token and access_denied to a device code poll', async () => {
    for (const error of ['slow_down', 'expired_token', 'access_denied'] as const) {
      await idp.admin.faults.add('default', {
        id: 'device',
        match: { endpoint: 'token', grant: 'urn:ietf:params:oauth:grant-type:device_code' },
        action: { oauthError: error },
      });
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'whatever', client_id: 'demo' }),
      });
      expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([400, error]);
    }
  });
});

// RFC 6749 5.2, RFC 6750 3.1, RFC 8628 3.5, RFC 7009 2.2.1: written out here, not taken from the implementation.
const SPEC_STATUS: Record<string, number> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
};

describe('every OAuth error with its status', () => {
  for (const error of OAUTH_ERRORS) {
    const status = SPEC_STATUS[error] ?? 400;
    it(`answers ${error} with ${status} at the token endpoint`, async () => {
      await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { oauthError: error } });
      const response = await serviceToken(idp);
      expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([status, error]);
    });
  }

  it('answers errors at userinfo with WWW-Authenticate: Bearer, which openid-client reports as a challenge', async () => {
    const { body } = await rawLogin(idp);
    await idp.admin.faults.add('default', { match: { endpoint: 'userinfo' }, action: { oauthError: 'invalid_token', description: 'token revoked' } });
    const response = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${body['access_token']}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${issuer}", error="invalid_token", error_description="token revoked"`);
    const rp = await relyingParty(issuer, 'demo');
    await expect(oidc.fetchUserInfo(rp, body['access_token']!, oidc.skipSubjectCheck)).rejects.toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
  });

  it('makes openid-client refuse a refresh with invalid_grant (refresh token reuse as the IdP reports it)', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'alice', scope: 'openid offline_access', extra: { prompt: 'consent' } });
    await idp.admin.faults.add('default', {
      match: { endpoint: 'token', grant: 'refresh_token' },
      action: { oauthError: 'invalid_grant', description: 'refresh token reused' },
    });
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'refresh token reused',
    });
  });
});

describe('grants and users found from the credentials of a request', () => {
  const refresh = (refreshToken: string) =>
    fetch(`${issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo' }) });

  it('revokeGrant on a refresh: the IdP itself refuses it with invalid_grant, and the grant stays revoked once the rule is gone', async () => {
    const { body } = await rawLogin(idp);
    await idp.admin.faults.add('default', { match: { endpoint: 'token', grant: 'refresh_token' }, action: { revokeGrant: true }, count: 1 });
    const refused = await refresh(body['refresh_token']!);
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
    await idp.admin.faults.clear('default');
    expect((await refresh(body['refresh_token']!)).status).toBe(400);
    expect((await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${body['access_token']}` } })).status).toBe(401);
  });

  it('revokeGrant leaves the grants of other logins alone', async () => {
    const first = await rawLogin(idp);
    const second = await rawLogin(idp);
    await idp.admin.faults.add('default', { match: { endpoint: 'token', grant: 'refresh_token' }, action: { revokeGrant: true }, count: 1 });
    expect((await refresh(first.body['refresh_token']!)).status).toBe(400);
    expect((await refresh(second.body['refresh_token']!)).status).toBe(200);
  });

  it('revokeGrant does not count a request that carries no grant', async () => {
    const { body } = await rawLogin(idp);
    await idp.admin.faults.add('default', { id: 'revoke-once', match: { endpoint: 'token' }, action: { revokeGrant: true }, count: 1 });
    expect((await serviceToken(idp)).status).toBe(200);
    expect((await refresh(body['refresh_token']!)).status).toBe(400);
    expect(await idp.admin.faults.list('default')).toEqual([expect.objectContaining({ id: 'revoke-once', fired: 1 })]);
  });

  it('revokeGrant at userinfo: the access token the request carries is refused by the IdP', async () => {
    const { body } = await rawLogin(idp);
    await idp.admin.faults.add('default', { match: { endpoint: 'userinfo' }, action: { revokeGrant: true } });
    const response = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${body['access_token']}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('matches the user of a refresh token before the IdP handles it (a disabled user on refresh, for bob only)', async () => {
    const alice = await rawLogin(idp, 'default', 'alice');
    const bob = await rawLogin(idp, 'default', 'bob');
    await idp.admin.faults.add('default', {
      match: { endpoint: 'token', grant: 'refresh_token', user: 'bob' },
      action: { oauthError: 'invalid_grant', description: 'user is disabled' },
    });
    expect((await refresh(alice.body['refresh_token']!)).status).toBe(200);
    const refused = await refresh(bob.body['refresh_token']!);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', error_description: 'user is disabled' });
  });

  it('a request without credentials matches no user', async () => {
    await idp.admin.faults.add('default', { match: { user: 'service' }, action: { status: 500 } });
    expect((await serviceToken(idp)).status).toBe(200);
  });
});

describe('authorization response faults', () => {
  it('brings the client an authorization response without a code', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'authorize' }, action: { authorization: { code: 'drop' } } });
    const { params } = await authorize(idp);
    expect(params.has('code')).toBe(false);
    expect(params.has('state')).toBe(true);
  });

  it('brings the client another state, which openid-client refuses', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'authorize' }, action: { authorization: { state: 'wrong' } } });
    const rp = await relyingParty(issuer, 'demo');
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const { callbackUrl } = await browserlessLogin({ authorizationUrl: url.toString(), redirectUri: REDIRECT_URI, username: 'alice' });
    await expect(oidc.authorizationCodeGrant(rp, new URL(callbackUrl), { pkceCodeVerifier: verifier, expectedState: state })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/state/) },
    });
  });

  it('brings the client a missing or a wrong iss (RFC 9207)', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'authorize' }, action: { authorization: { iss: 'drop' } }, count: 1 });
    expect((await authorize(idp)).params.has('iss')).toBe(false);
    await idp.admin.faults.add('default', { match: { endpoint: 'authorize' }, action: { authorization: { iss: 'wrong' } }, count: 1 });
    expect((await authorize(idp)).params.get('iss')).toBe(`${issuer}-other`);
    expect((await authorize(idp)).params.get('iss')).toBe(issuer);
  });

  it('brings the client a code the IdP never issued, which the token endpoint refuses', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'authorize' }, action: { authorization: { code: 'wrong' } } });
    const login = await rawLogin(idp);
    expect(login.status).toBe(400);
    expect(login.body['error']).toBe('invalid_grant');
  });
});

describe('discovery, userinfo and key faults', () => {
  it('serves a discovery document whose issuer differs from its URL, which openid-client refuses', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'discovery' }, action: { json: { set: { issuer: 'https://login.example.com/default' } } } });
    await expect(relyingParty(issuer, 'demo')).rejects.toThrow(/issuer/);
  });

  it('answers userinfo with a sub that differs from the ID token, which openid-client refuses', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    await idp.admin.faults.add('default', { match: { endpoint: 'userinfo' }, action: { json: { set: { sub: 'mallory' } } } });
    await expect(oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/"sub"/) },
    });
  });

  it('answers userinfo with the sub it was given', async () => {
    const { body } = await rawLogin(idp);
    await idp.admin.faults.add('default', { match: { endpoint: 'userinfo' }, action: { json: { set: { sub: 'mallory' } } } });
    const userinfo = (await (await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${body['access_token']}` } })).json()) as { sub: string };
    expect(userinfo.sub).toBe('mallory');
  });

  it('leaves the signing keys out of the JWKS, so tokens carry a kid it lacks', async () => {
    const { body } = await rawLogin(idp);
    await idp.admin.faults.add('default', { match: { endpoint: 'jwks' }, action: { jwks: { dropSigningKeys: true } } });
    const kids = ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid);
    expect(kids).not.toContain(decodeProtectedHeader(body['id_token']!).kid);
  });

  it('serves an extra malformed key next to the good ones, with the cache headers asked', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'jwks' }, action: { jwks: { addBadKey: true, cacheControl: 'max-age=86400' } } });
    const response = await fetch(`${issuer}/jwks`);
    expect(response.headers.get('cache-control')).toBe('max-age=86400');
    const keys = ((await response.json()) as { keys: Array<{ kid: string }> }).keys;
    expect(keys.map((key) => key.kid)).toContain('mockidp-bad-key');
    expect(keys.length).toBeGreaterThan(1);
  });

  it('rotates the signing keys mid-flow: the next token carries a kid the client has not seen', async () => {
    const before = decodeProtectedHeader((await rawLogin(idp)).body['id_token']!).kid;
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { rotateKeys: true }, count: 1 });
    const after = (await rawLogin(idp)).body['id_token']!;
    expect(decodeProtectedHeader(after).kid).not.toBe(before);
    await expect(jwtVerify(after, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer })).resolves.toBeDefined();
  });
});
