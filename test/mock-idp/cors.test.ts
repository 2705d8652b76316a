import { describe, expect, it } from 'vitest';
import { startTestIdp, loginWithCode, relyingParty } from '../support/idp.ts';
import { parseConfig } from '../../mock-idp/index.ts';

const SPA = 'http://127.0.0.1:5173';
const OTHER = 'http://127.0.0.1:6006';

const idp = await startTestIdp({
  tenants: {
    default: {
      users: { alice: {} },
      clients: {
        spa: {
          grants: ['authorization_code', 'refresh_token'],
          redirectUris: [`${SPA}/callback`, 'http://127.0.0.1:8080/callback'],
          postLogoutRedirectUris: [`${SPA}/`],
        },
        pinned: { redirectUris: ['http://127.0.0.1:8080/callback'], corsOrigins: [OTHER] },
        anywhere: { redirectUris: ['http://127.0.0.1:8080/callback'], corsOrigins: ['*'] },
        service: { secret: 'service-secret', grants: ['client_credentials'], corsOrigins: [] },
      },
    },
  },
});
const issuer = idp.issuer('default');

function preflight(path: string, origin: string, method = 'POST') {
  return fetch(`${issuer}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization' },
  });
}

function post(path: string, origin: string, form: Record<string, string>) {
  return fetch(`${issuer}${path}`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

const allowOrigin = (response: Response) => response.headers.get('access-control-allow-origin');

describe('CORS for browser apps', () => {
  it('answers discovery and the JWKS for any origin (they are public)', async () => {
    for (const path of ['/.well-known/openid-configuration', '/jwks']) {
      const response = await fetch(`${issuer}${path}`, { headers: { origin: OTHER } });
      expect(response.status).toBe(200);
      expect(allowOrigin(response)).toBe(OTHER);
      expect(allowOrigin(await preflight(path, OTHER, 'GET'))).toBe(OTHER);
    }
  });

  it("lets the origin of a client's redirect URIs call the token endpoint, preflight included", async () => {
    const check = await preflight('/token', SPA);
    expect(check.status).toBe(204);
    expect(allowOrigin(check)).toBe(SPA);
    const rp = await relyingParty(issuer, 'spa');
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    const refreshed = await post('/token', SPA, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'spa' });
    expect(refreshed.status).toBe(200);
    expect(allowOrigin(refreshed)).toBe(SPA);
  });

  it('refuses a token request from an origin the client did not register, without CORS headers', async () => {
    const response = await post('/token', OTHER, { grant_type: 'refresh_token', refresh_token: 'whatever', client_id: 'spa' });
    expect(response.status).toBe(400);
    expect(allowOrigin(response)).toBeNull();
    expect(await response.json()).toMatchObject({ error: 'invalid_request', error_description: `origin ${OTHER} not allowed for client: spa` });
  });

  it("answers userinfo and revocation for the client's origin", async () => {
    const rp = await relyingParty(issuer, 'spa');
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    const userinfo = await fetch(`${issuer}/userinfo`, { headers: { origin: SPA, authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(200);
    expect(allowOrigin(userinfo)).toBe(SPA);
    const revoked = await post('/token/revocation', SPA, { token: tokens.refresh_token!, client_id: 'spa' });
    expect(revoked.status).toBe(200);
    expect(allowOrigin(revoked)).toBe(SPA);
    expect(revoked.headers.get('content-type')).toBeNull();
  });

  it('uses configured corsOrigins instead of the redirect URIs\' origins, "*" for any and [] for none', async () => {
    expect(allowOrigin(await post('/token/revocation', OTHER, { token: 'x', client_id: 'pinned' }))).toBe(OTHER);
    expect((await post('/token/revocation', 'http://127.0.0.1:8080', { token: 'x', client_id: 'pinned' })).status).toBe(400);
    expect(allowOrigin(await post('/token/revocation', 'http://127.0.0.1:9999', { token: 'x', client_id: 'anywhere' }))).toBe('http://127.0.0.1:9999');
    const service = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        origin: SPA,
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('service:service-secret').toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(service.status).toBe(400);
    expect(allowOrigin(service)).toBeNull();
  });

  it('answers end session for an origin of the named client, and not for others', async () => {
    const allowed = await fetch(`${issuer}/session/end?client_id=spa`, { headers: { origin: SPA } });
    expect(allowed.status).toBe(200);
    expect(allowOrigin(allowed)).toBe(SPA);
    const check = await fetch(`${issuer}/session/end`, { method: 'OPTIONS', headers: { origin: SPA, 'access-control-request-method': 'GET' } });
    expect([check.status, allowOrigin(check), check.headers.get('access-control-allow-methods')]).toEqual([204, SPA, 'GET,POST']);
    expect(allowOrigin(await fetch(`${issuer}/session/end?client_id=spa`, { headers: { origin: OTHER } }))).toBeNull();
    expect(allowOrigin(await fetch(`${issuer}/session/end?client_id=pinned`, { headers: { origin: OTHER } }))).toBe(OTHER);
  });

  it('refuses a corsOrigins entry that is not an origin, saying what one looks like', () => {
    expect(() =>
      parseConfig({ tenants: { t: { clients: { c: { redirectUris: ['http://127.0.0.1/cb'], corsOrigins: ['http://127.0.0.1:5173/app'] } } } } }),
    ).toThrow(/tenants\.t\.clients\.c\.corsOrigins\[0\]: must be an origin: scheme, host and port only, such as http:\/\/127\.0\.0\.1:5173/);
  });
});

describe('the cors fault', () => {
  it('drops every CORS header of the matched endpoint, preflights included', async () => {
    const rule = await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { cors: 'drop' } });
    try {
      const check = await preflight('/token', SPA);
      expect(check.status).toBe(204);
      expect([...check.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
      const response = await post('/token', SPA, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'spa' });
      expect(allowOrigin(response)).toBeNull();
      expect((await idp.admin.faults.list('default')).find((listed) => listed.id === rule.id)?.fired).toBe(2);
    } finally {
      await idp.admin.faults.clear('default');
    }
  });

  it('answers another origin with other-origin', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'discovery' }, action: { cors: 'other-origin' } });
    try {
      const response = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { origin: SPA } });
      expect(allowOrigin(response)).toBe('https://other-app.example');
    } finally {
      await idp.admin.faults.clear('default');
    }
  });

  it("lets a browser's preflight pass a rule meant for the request after it", async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { oauthError: 'invalid_grant' }, count: 1 });
    try {
      expect(allowOrigin(await preflight('/token', SPA))).toBe(SPA);
      const response = await post('/token', SPA, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'spa' });
      expect(await response.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('mockidp fault rule') });
    } finally {
      await idp.admin.faults.clear('default');
    }
  });
});
