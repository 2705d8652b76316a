import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createBearerApiApp, startBearerApi, type BearerApiOptions } from '../../components/index.ts';
import { clientCredentialsToken, deviceFlowToken, startComponentIdp } from './support/idp.ts';
import { started } from './support/components.ts';
import { signedWithForeignKey } from './support/bad-tokens.ts';

const idp = await startComponentIdp();
const issuer = idp.issuer('default');
const map = {
  admins: { role: 'admin', scope: 'cluster' },
  developers: 'reader',
  'admin-app': { role: 'admin', scope: 'cluster' },
  service: 'reader',
  cli: 'cli-user',
};
const api = (roleMapping: BearerApiOptions['roleMapping'], options: Partial<BearerApiOptions> = {}) =>
  started(startBearerApi({ issuer, audiences: ['api://storage'], roleMapping, ...options }));
const userApi = await api({ mode: 'user', map });
const appApi = await api({ mode: 'app', map });
const convergeApi = await api({ mode: 'converge', map });

async function get(url: string, token?: string) {
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get('www-authenticate') };
}

const aliceOpaque = (await deviceFlowToken(idp, { client: 'cli-opaque', user: 'alice' })).access_token;
const bobOpaque = (await deviceFlowToken(idp, { client: 'cli-opaque', user: 'bob' })).access_token;
const aliceJwt = (await deviceFlowToken(idp, { client: 'cli', user: 'alice' })).access_token;
const serviceToken = await clientCredentialsToken(idp, 'service', 'service-secret');
const adminAppToken = await clientCredentialsToken(idp, 'admin-app', 'admin-app-secret');

describe('bearer API: user mode (device-flow user tokens)', () => {
  it('maps a device-flow user token to the roles of its groups at GET /whoami', async () => {
    const reply = await get(`${userApi.url}/whoami`, aliceOpaque);
    expect(reply).toMatchObject({
      status: 200,
      body: {
        subject: 'alice',
        kind: 'user',
        mode: 'user',
        identifiers: ['admins', 'developers'],
        roles: [
          { role: 'admin', scope: 'cluster', via: 'admins' },
          { role: 'reader', scope: '*', via: 'developers' },
        ],
      },
    });
  });

  it('lets a caller holding a role through GET /roles/:role', async () => {
    expect(await get(`${userApi.url}/roles/admin`, aliceOpaque)).toMatchObject({
      status: 200,
      body: { allowed: true, role: 'admin', scope: 'cluster', via: 'admins' },
    });
  });

  it('refuses a caller without the role with 403 insufficient_scope', async () => {
    const reply = await get(`${userApi.url}/roles/admin`, bobOpaque);
    expect(reply).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    expect(reply.challenge).toContain('error="insufficient_scope"');
  });

  it('refuses a client-credentials (app) token with 403', async () => {
    expect(await get(`${userApi.url}/whoami`, adminAppToken)).toMatchObject({
      status: 403,
      body: { error_description: expect.stringContaining('user tokens only') },
    });
  });

  it('refuses a user token without the configured claim with 403 naming the claim', async () => {
    expect(await get(`${userApi.url}/whoami`, aliceJwt)).toMatchObject({
      status: 403,
      body: { error_description: expect.stringContaining('no "groups" claim') },
    });
  });

  it('identifies users by the configured claim name', async () => {
    const bySub = await api({ mode: 'user', userClaim: 'sub', map: { alice: 'owner' } });
    expect(await get(`${bySub.url}/whoami`, aliceJwt)).toMatchObject({
      status: 200,
      body: { identifiers: ['alice'], roles: [{ role: 'owner', via: 'alice' }] },
    });
  });

  it('refuses a user whose groups map to no role with 403', async () => {
    const narrow = await api({ mode: 'user', map: { auditors: 'auditor' } });
    expect(await get(`${narrow.url}/whoami`, aliceOpaque)).toMatchObject({
      status: 403,
      body: { error_description: expect.stringContaining('no role is mapped to "admins", "developers"') },
    });
  });
});

describe('bearer API: app mode (client-credentials tokens)', () => {
  it('maps a client-credentials token to the role of its client id', async () => {
    expect(await get(`${appApi.url}/whoami`, serviceToken)).toMatchObject({
      status: 200,
      body: { subject: 'service', kind: 'app', client_id: 'service', identifiers: ['service'], roles: [{ role: 'reader', via: 'service' }] },
    });
  });

  it('refuses a user token with 403', async () => {
    expect(await get(`${appApi.url}/whoami`, aliceJwt)).toMatchObject({
      status: 403,
      body: { error_description: expect.stringContaining('application tokens only') },
    });
  });

  it('refuses an application that is not in the map with 403', async () => {
    const token = await clientCredentialsToken(idp, 'unmapped-app', 'unmapped-secret');
    expect((await get(`${appApi.url}/whoami`, token)).status).toBe(403);
  });
});

describe('bearer API: converge mode', () => {
  it('accepts both kinds: an app token by its client id', async () => {
    expect(await get(`${convergeApi.url}/roles/admin`, adminAppToken)).toMatchObject({ status: 200, body: { via: 'admin-app' } });
  });

  it('identifies a user token without groups by the client it came through', async () => {
    const reply = await get(`${convergeApi.url}/whoami`, aliceJwt);
    expect(reply).toMatchObject({ status: 200, body: { kind: 'user', identifiers: ['cli'], roles: [{ role: 'cli-user', via: 'cli' }] } });
  });

  it('identifies a userinfo-checked user token by its groups', async () => {
    expect(await get(`${convergeApi.url}/whoami`, aliceOpaque)).toMatchObject({ status: 200, body: { identifiers: ['admins', 'developers'] } });
  });
});

describe('bearer API: token errors (RFC 6750)', () => {
  it('answers 401 with a Bearer challenge and no error when no token is sent', async () => {
    const reply = await get(`${userApi.url}/whoami`);
    expect(reply.status).toBe(401);
    expect(reply.challenge).toBe('Bearer realm="mockidp-bearer-api"');
  });

  it('answers 401 invalid_token for a header that is not Bearer', async () => {
    const response = await fetch(`${userApi.url}/whoami`, { headers: { authorization: 'Basic YWxpY2U6YWxpY2U=' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers 401 invalid_token for an expired JWT access token', async () => {
    const { token } = await idp.admin.mint('default', { type: 'access_token', client: 'service', ttlSeconds: -300 });
    expect(await get(`${appApi.url}/whoami`, token)).toMatchObject({
      status: 401,
      body: { error: 'invalid_token', error_description: expect.stringContaining('expired') },
    });
  });

  it('answers 401 for a JWT access token of another audience', async () => {
    const { token } = await idp.admin.mint('default', { type: 'access_token', client: 'service', audience: 'api://other' });
    expect(await get(`${appApi.url}/whoami`, token)).toMatchObject({ status: 401, body: { error_description: expect.stringContaining('aud') } });
  });

  it('answers 401 for a JWT signed by a key the IdP never published', async () => {
    const forged = await signedWithForeignKey(decodeJwt(adminAppToken), 'forged');
    expect(await get(`${appApi.url}/whoami`, forged)).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
  });

  it('answers 401 for an opaque token the IdP does not know', async () => {
    expect(await get(`${userApi.url}/whoami`, 'not-a-token-the-idp-issued')).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
  });

  it('answers 401 for an opaque token when only JWTs are accepted', async () => {
    const jwtOnly = await api({ mode: 'user', map }, { opaqueTokens: 'reject' });
    expect(await get(`${jwtOnly.url}/whoami`, aliceOpaque)).toMatchObject({ status: 401, body: { error_description: 'only JWT access tokens are accepted' } });
  });

  it('answers 502 when the IdP cannot be reached', async () => {
    const offline = await started(
      startBearerApi({ issuer: 'http://127.0.0.1:9/default', audiences: ['api://storage'], roleMapping: { map }, httpTimeoutMs: 2000 }),
    );
    expect(await get(`${offline.url}/whoami`, serviceToken)).toMatchObject({ status: 502, body: { error: 'temporarily_unavailable' } });
  });

  it('answers 404 as JSON for an unknown path and 405 for POST /whoami', async () => {
    expect((await get(`${userApi.url}/nope`)).status).toBe(404);
    expect((await fetch(`${userApi.url}/whoami`, { method: 'POST' })).status).toBe(405);
  });
});

describe('bearer API: options', () => {
  it('refuses a role mapping without map, naming the field', () => {
    expect(() => createBearerApiApp({ issuer, audiences: ['api://storage'], roleMapping: { mode: 'user' } as never })).toThrow(/roleMapping\.map/);
  });

  it('refuses an unknown mode', () => {
    expect(() => createBearerApiApp({ issuer, audiences: ['api://storage'], roleMapping: { mode: 'everyone' as never, map } })).toThrow(/roleMapping\.mode/);
  });
});
