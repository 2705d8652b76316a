import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createAuthenticatorApp, startAuthenticator } from '../../components/index.ts';
import { startComponentIdp, lakefsCode, withTenantClock, REDIRECT_URI } from './support/idp.ts';
import { authenticator, authenticatorOptions, postJson, serveApp, started } from './support/components.ts';
import { hmacWithPublicKey, remint, signedWithForeignKey, unsigned } from './support/bad-tokens.ts';
import { startTokenTamperer } from './support/token-tamperer.ts';
import { decodeJwt } from 'jose';

const idp = await startComponentIdp();
const issuer = idp.issuer('default');
const auth = await authenticator(idp);
const login = (body: unknown, path = '/api/v1/sts/login') => postJson(`${auth.url}${path}`, body);

/** An authenticator whose token endpoint answers go through a tamperer (see support/token-tamperer.ts). */
async function tamperedAuthenticator(options = {}) {
  const tamperer = await startTokenTamperer(idp);
  const running = await authenticator(idp, { discoveryUrl: tamperer.discoveryUrl, ...options });
  return { url: running.url, tamperer };
}

describe('authenticator: POST /sts/login (lakeFS STSLogin)', () => {
  it('exchanges a code with the PKCE verifier from state and returns the ID token claims', async () => {
    const reply = await login(await lakefsCode(idp, { user: 'alice' }));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body['claims']).toMatchObject({ sub: 'alice', iss: issuer, aud: 'lakefs', email: 'alice@example.test' });
  });

  it('returns every claim value as a string: booleans, numbers and arrays are converted', async () => {
    const reply = await login(await lakefsCode(idp, { user: 'alice' }));
    const claims = reply.body['claims'] as Record<string, unknown>;
    expect(claims).toMatchObject({ email_verified: 'true', groups: 'admins,developers' });
    expect(claims['exp']).toMatch(/^\d+$/);
    expect(Object.values(claims).every((value) => typeof value === 'string')).toBe(true);
  });

  it('serves the same operation at /sts/login and at /api/v1/sts/login', async () => {
    const root = await login(await lakefsCode(idp, { user: 'bob' }), '/sts/login');
    expect(root).toMatchObject({ status: 200, body: { claims: { sub: 'bob' } } });
  });

  it('redeems codes as a public client when no secret is configured', async () => {
    const running = await authenticator(idp, { clientId: 'lakefs-public', clientSecret: undefined });
    const reply = await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { client: 'lakefs-public' }));
    expect(reply).toMatchObject({ status: 200, body: { claims: { aud: 'lakefs-public' } } });
  });

  it('authenticates with client_secret_post when configured so', async () => {
    const running = await authenticator(idp, { clientId: 'lakefs-post', clientSecret: 'post-secret', tokenEndpointAuthMethod: 'client_secret_post' });
    const reply = await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { client: 'lakefs-post' }));
    expect(reply.status).toBe(200);
  });

  it('returns only the mapped claims and sub when a claim mapping is configured', async () => {
    const running = await authenticator(idp, { claimMapping: { mail: 'email', teams: 'groups' } });
    const reply = await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { user: 'alice' }));
    expect(reply.body['claims']).toEqual({ sub: 'alice', mail: 'alice@example.test', teams: 'admins,developers' });
  });

  it('accepts a nonce carried in state next to the verifier when the ID token has the same nonce', async () => {
    const nonce = randomBytes(16).toString('hex');
    const code = await lakefsCode(idp, { nonce });
    const reply = await login({ ...code, state: `code_verifier=${code.state}&nonce=${nonce}` });
    expect(reply).toMatchObject({ status: 200, body: { claims: { nonce } } });
  });

  it('rejects an ID token whose nonce differs from the one in state with 401', async () => {
    const code = await lakefsCode(idp, { nonce: 'nonce-sent-to-the-idp' });
    const reply = await login({ ...code, state: `code_verifier=${code.state}&nonce=another-nonce` });
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('nonce') } });
  });
});

describe('authenticator: code failures are 401', () => {
  it('rejects a reused authorization code with 401, because the IdP refuses it', async () => {
    const code = await lakefsCode(idp);
    expect((await login(code)).status).toBe(200);
    const replay = await login(code);
    expect(replay).toMatchObject({ status: 401, body: { message: expect.stringContaining('invalid_grant') } });
  });

  it('rejects a state that is not the verifier of the code (PKCE mismatch) with 401', async () => {
    const code = await lakefsCode(idp);
    const reply = await login({ ...code, state: randomBytes(32).toString('base64url') });
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('invalid_grant') } });
  });

  it('rejects a redirect_uri that differs from the one of the authorization request with 401', async () => {
    const running = await authenticator(idp, { redirectUris: undefined });
    const code = await lakefsCode(idp);
    const reply = await postJson(`${running.url}/sts/login`, { ...code, redirect_uri: `${REDIRECT_URI}/other` });
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('invalid_grant') } });
  });

  it('rejects a redirect_uri outside the configured list with 400 before calling the IdP', async () => {
    const code = await lakefsCode(idp);
    const reply = await login({ ...code, redirect_uri: 'http://127.0.0.1:9999/evil' });
    expect(reply).toMatchObject({ status: 400, body: { message: expect.stringContaining('redirect_uri') } });
  });

  it('rejects a code issued to another client with 401', async () => {
    const reply = await login(await lakefsCode(idp, { client: 'other' }));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('invalid_grant') } });
  });
});

describe('authenticator: ID token validation (401 with a message)', () => {
  it('rejects an expired ID token', async () => {
    const reply = await withTenantClock(idp, 'default', -7200, async () => login(await lakefsCode(idp)));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('expired') } });
  });

  it('rejects an ID token issued an hour in the future', async () => {
    const reply = await withTenantClock(idp, 'default', 3600, async () => login(await lakefsCode(idp)));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('in the future') } });
  });

  it('accepts an ID token issued 30 s in the future (within the 60 s clock skew)', async () => {
    const reply = await withTenantClock(idp, 'default', 30, async () => login(await lakefsCode(idp)));
    expect(reply.status).toBe(200);
  });

  it('rejects an ID token issued 90 s in the future when the skew is 60 s', async () => {
    const reply = await withTenantClock(idp, 'default', 90, async () => login(await lakefsCode(idp)));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('in the future') } });
  });

  it('rejects an ID token whose aud is another client', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper((token) => remint(idp, token, { aud: 'other' }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('aud') } });
  });

  it('rejects an ID token with several audiences and no azp', async () => {
    const { url, tamperer } = await tamperedAuthenticator({ trustedAudiences: ['api://storage'] });
    tamperer.tamper((token) => remint(idp, token, { aud: ['lakefs', 'api://storage'] }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('azp') } });
  });

  it('accepts several audiences when the extra one is trusted and azp names the client', async () => {
    const { url, tamperer } = await tamperedAuthenticator({ trustedAudiences: ['api://storage'] });
    tamperer.tamper((token) => remint(idp, token, { aud: ['lakefs', 'api://storage'], azp: 'lakefs' }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply.status).toBe(200);
  });

  it('rejects an ID token that is also meant for an untrusted audience, even with azp', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper((token) => remint(idp, token, { aud: ['lakefs', 'mallory'], azp: 'lakefs' }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('not trusted') } });
  });

  it('rejects an ID token whose azp is another client', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper((token) => remint(idp, token, { azp: 'other' }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('azp') } });
  });

  it('rejects an ID token with another iss, even signed by the IdP', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper((token) => remint(idp, token, { iss: `${issuer}/` }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('iss') } });
  });

  it('rejects an ID token signed by another issuer with its own iss', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper((token) => remint(idp, token, { iss: idp.issuer('evil') }, { tenant: 'evil' }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('no key with kid') } });
  });

  it('rejects an unsigned ID token (alg none)', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper(async (token) => unsigned(token));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('"none" is not allowed') } });
  });

  it('rejects an HS256 ID token signed with the IdP public key as secret (algorithm confusion)', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper((token) => hmacWithPublicKey(idp, token));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('"HS256" is not allowed') } });
  });

  it('rejects an algorithm outside the allow-list (ES256 when only RS256 is allowed)', async () => {
    const { url, tamperer } = await tamperedAuthenticator({ allowedAlgs: ['RS256'] });
    tamperer.tamper((token) => remint(idp, token, {}, { alg: 'ES256' }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('"ES256" is not allowed') } });
  });

  it('rejects an ID token without kid that no key of the IdP verifies', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper(async (token) => signedWithForeignKey(decodeJwt(token)));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('no kid') } });
  });

  it('rejects an ID token signed with a key the IdP never published', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper(async (token) => signedWithForeignKey(decodeJwt(token), 'attacker-key'));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('"attacker-key"') } });
  });

  it('rejects an access token (typ at+jwt) in place of the ID token', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper((token) => remint(idp, token, {}, { type: 'access_token' }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('at+jwt') } });
  });

  it('rejects an ID token without sub', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.tamper((token) => remint(idp, token, { sub: undefined }));
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('sub') } });
  });

  it('rejects a token response without id_token', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.respond({ status: 200, contentType: 'application/json', body: JSON.stringify({ access_token: 'x', token_type: 'Bearer' }) });
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 401, body: { message: expect.stringContaining('no id_token') } });
  });
});

describe('authenticator: the IdP key set', () => {
  it('refetches the JWKS when the IdP rotated its key and signs with a kid it has not seen', async () => {
    await idp.admin.addTenant('rotating', {
      users: { alice: {} },
      clients: { lakefs: { secret: 'lakefs-secret', redirectUris: [REDIRECT_URI], grants: ['authorization_code'] } },
    });
    const running = await authenticator(idp, { issuer: idp.issuer('rotating') });
    expect((await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { tenant: 'rotating' }))).status).toBe(200);
    await idp.admin.keys.rotate('rotating', { alg: 'RS256' });
    const after = await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { tenant: 'rotating' }));
    expect(after.status).toBe(200);
  });

  it('verifies an ID token without kid with the one key the IdP publishes, also when the JWKS names no kid (OpenID rp-id_token-kid-absent-single-jwks)', async () => {
    await idp.admin.addTenant('kidless', {
      keys: [{ alg: 'RS256' }],
      users: { alice: {} },
      clients: { lakefs: { secret: 'lakefs-secret', redirectUris: [REDIRECT_URI], grants: ['authorization_code'] } },
    });
    await idp.admin.faults.add('kidless', { match: { endpoint: 'jwks' }, action: { jwks: { removeKids: true } } });
    await idp.admin.faults.add('kidless', { match: { endpoint: 'token' }, action: { token: { header: { kid: null } } } });
    const running = await authenticator(idp, { issuer: idp.issuer('kidless') });
    const reply = await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { tenant: 'kidless' }));
    expect(reply).toMatchObject({ status: 200, body: { claims: { sub: 'alice' } } });
  });

  it('tries each key that fits the algorithm for an ID token without kid when the IdP publishes several (OpenID rp-id_token-kid-absent-multiple-jwks)', async () => {
    await idp.admin.addTenant('kidless-many', {
      keys: [{ alg: 'ES256' }, { alg: 'RS256' }, { alg: 'RS256' }, { alg: 'RS256' }],
      users: { alice: {} },
      clients: { lakefs: { secret: 'lakefs-secret', redirectUris: [REDIRECT_URI], grants: ['authorization_code'] } },
    });
    await idp.admin.faults.add('kidless-many', { match: { endpoint: 'jwks' }, action: { jwks: { removeKids: true } } });
    await idp.admin.faults.add('kidless-many', { match: { endpoint: 'token' }, action: { token: { header: { kid: null } } } });
    const published = (await (await fetch(`${idp.issuer('kidless-many')}/jwks`)).json()) as { keys: Array<{ kty: string; kid?: string }> };
    expect(published.keys.map((key) => [key.kty, key.kid])).toEqual([
      ['EC', undefined],
      ['RSA', undefined],
      ['RSA', undefined],
      ['RSA', undefined],
    ]);
    const running = await authenticator(idp, { issuer: idp.issuer('kidless-many') });
    expect((await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { tenant: 'kidless-many' }))).status).toBe(200);
  });

  it('fetches the JWKS again, once, when none of the cached keys verifies an ID token without kid (a rotation)', async () => {
    await idp.admin.addTenant('kidless-rotating', {
      keys: [{ alg: 'RS256' }],
      users: { alice: {} },
      clients: { lakefs: { secret: 'lakefs-secret', redirectUris: [REDIRECT_URI], grants: ['authorization_code'] } },
    });
    const app = createAuthenticatorApp(authenticatorOptions(idp, { issuer: idp.issuer('kidless-rotating') }));
    const running = await serveApp(app);
    expect((await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { tenant: 'kidless-rotating' }))).status).toBe(200);
    await idp.admin.keys.rotate('kidless-rotating', { alg: 'RS256' });
    await idp.admin.faults.add('kidless-rotating', { match: { endpoint: 'token' }, action: { token: { header: { kid: null } } } });
    expect((await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { tenant: 'kidless-rotating' }))).status).toBe(200);
    expect(app.validator.jwks.fetches).toBe(2);
  });

  it('refetches the JWKS for unknown kids at most once per cooldown', async () => {
    const app = createAuthenticatorApp(authenticatorOptions(idp));
    const running = await serveApp(app);
    const token = (await idp.admin.mint('default', { user: 'alice', client: 'lakefs' })).token;
    await postJson(`${running.url}/auth/external/principal/login`, { identityToken: token });
    for (let i = 0; i < 5; i += 1) {
      const forged = await signedWithForeignKey(decodeJwt(token), `random-kid-${i}`);
      expect((await postJson(`${running.url}/auth/external/principal/login`, { identityToken: forged })).status).toBe(401);
    }
    expect(app.validator.jwks.fetches).toBe(2);
  });

  it('answers 502 when the IdP cannot be reached', async () => {
    const running = await authenticator(idp, { issuer: 'http://127.0.0.1:9/default', httpTimeoutMs: 2000 });
    const reply = await postJson(`${running.url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 502, body: { message: expect.stringContaining('unreachable') } });
  });

  it("answers 502 naming the client credentials when the IdP refuses the authenticator's own client", async () => {
    const running = await authenticator(idp, { clientSecret: 'not-the-secret' });
    const reply = await postJson(`${running.url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 502, body: { message: expect.stringContaining('invalid_client') } });
  });

  it('answers 502 when the token endpoint answers an HTML error page', async () => {
    const { url, tamperer } = await tamperedAuthenticator();
    tamperer.respond({ status: 500, contentType: 'text/html', body: '<html>Internal Server Error</html>' });
    const reply = await postJson(`${url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 502, body: { message: expect.stringContaining('500') } });
  });

  it('answers 502 when discovery names another issuer', async () => {
    const running = await authenticator(idp, { discoveryUrl: `${idp.issuer('evil')}/.well-known/openid-configuration` });
    const reply = await postJson(`${running.url}/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 502, body: { message: expect.stringContaining('must match exactly') } });
  });

  it('answers 502 naming the field when a discovery field has the wrong type', async () => {
    await idp.admin.addTenant('odd-discovery', {
      users: { alice: {} },
      clients: { lakefs: { secret: 'lakefs-secret', redirectUris: [REDIRECT_URI], grants: ['authorization_code'] } },
    });
    await idp.admin.faults.add('odd-discovery', { match: { endpoint: 'discovery' }, action: { json: { set: { token_endpoint: 42 } } } });
    const running = await authenticator(idp, { issuer: idp.issuer('odd-discovery') });
    const reply = await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { tenant: 'odd-discovery' }));
    expect(reply).toMatchObject({ status: 502, body: { message: expect.stringMatching(/discovery .* is not usable: token_endpoint: expected string/) } });
  });
});

describe('authenticator: bad requests', () => {
  it('answers 400 naming the field when code is missing', async () => {
    const reply = await login({ state: 'x'.repeat(43), redirect_uri: REDIRECT_URI });
    expect(reply).toMatchObject({ status: 400, body: { message: expect.stringContaining('code is required') } });
  });

  it('answers 400 when a field is not a string', async () => {
    const reply = await login({ code: 'c', state: 42, redirect_uri: REDIRECT_URI });
    expect(reply).toMatchObject({ status: 400, body: { message: 'state must be a string, not number' } });
  });

  it('answers 400 for malformed JSON', async () => {
    const reply = await login('{"code": ');
    expect(reply).toMatchObject({ status: 400, body: { message: expect.stringContaining('not valid JSON') } });
  });

  it('answers 400 for a JSON array body', async () => {
    const reply = await login('[1,2]');
    expect(reply).toMatchObject({ status: 400, body: { message: 'the body must be one JSON object' } });
  });

  it('answers 400 for a form body instead of JSON', async () => {
    const response = await fetch(`${auth.url}/sts/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'code=a&state=b&redirect_uri=c',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'send the body as JSON with Content-Type: application/json' });
  });

  it('answers 400 for an oversized code', async () => {
    const reply = await login({ code: 'c'.repeat(5000), state: 'x'.repeat(43), redirect_uri: REDIRECT_URI });
    expect(reply).toMatchObject({ status: 400, body: { message: expect.stringContaining('at most 4096') } });
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const reply = await login({ code: 'c'.repeat(70_000), state: 'x', redirect_uri: REDIRECT_URI });
    expect(reply).toMatchObject({ status: 413, body: { message: expect.stringContaining('larger than') } });
  });

  it('answers 400 when state is not a PKCE verifier', async () => {
    const reply = await login({ code: 'c', state: 'short', redirect_uri: REDIRECT_URI });
    expect(reply).toMatchObject({ status: 400, body: { message: expect.stringContaining('PKCE code verifier') } });
  });

  it('answers 404 with a JSON message for an unknown path', async () => {
    const response = await fetch(`${auth.url}/nothing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'nothing at GET /nothing' });
  });

  it('answers 405 for GET /sts/login', async () => {
    const response = await fetch(`${auth.url}/sts/login`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('authenticator: other lakeFS operations', () => {
  it('answers GET /healthcheck with 204 at both prefixes', async () => {
    expect((await fetch(`${auth.url}/healthcheck`)).status).toBe(204);
    expect((await fetch(`${auth.url}/api/v1/healthcheck`)).status).toBe(204);
  });

  it('answers an external principal login with the sub of a valid ID token', async () => {
    const { token } = await idp.admin.mint('default', { user: 'bob', client: 'lakefs' });
    const reply = await postJson(`${auth.url}/api/v1/auth/external/principal/login`, { identityToken: token });
    expect(reply).toMatchObject({ status: 200, body: { id: 'bob' } });
  });

  it('refuses an external principal login with an expired ID token with 401', async () => {
    const { token } = await idp.admin.mint('default', { user: 'bob', client: 'lakefs', ttlSeconds: -300 });
    const reply = await postJson(`${auth.url}/auth/external/principal/login`, { identityToken: token });
    expect(reply.status).toBe(401);
  });

  it('answers 400 to an external principal login without identityToken', async () => {
    const reply = await postJson(`${auth.url}/auth/external/principal/login`, { identityRequest: {} });
    expect(reply).toMatchObject({ status: 400, body: { message: expect.stringContaining('identityToken is required') } });
  });
});

describe('authenticator: options', () => {
  it('refuses alg none in the allow-list with a message naming the field', () => {
    expect(() => createAuthenticatorApp({ issuer, clientId: 'lakefs', allowedAlgs: ['none'] })).toThrow(/allowedAlgs\[0\]: "none" is not allowed/);
  });

  it('refuses a flaw that belongs to another component', () => {
    expect(() => createAuthenticatorApp({ issuer, clientId: 'lakefs', flaw: 'ignore-duration-bounds' })).toThrow(/belongs to the sts/);
  });

  it('refuses a clock skew above 300 s', () => {
    expect(() => createAuthenticatorApp({ issuer, clientId: 'lakefs', clockSkewSeconds: 3600 })).toThrow(/clockSkewSeconds/);
  });

  it('binds 127.0.0.1 by default', async () => {
    const running = await started(startAuthenticator({ issuer, clientId: 'lakefs' }));
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
