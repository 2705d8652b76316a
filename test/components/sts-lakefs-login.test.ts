import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startAuthenticator, startSts, type StsOptions } from '../../components/index.ts';
import { lakefsCode, startComponentIdp } from './support/idp.ts';
import { authenticatorOptions, postJson, started } from './support/components.ts';

const idp = await startComponentIdp();
const authenticator = await started(startAuthenticator(authenticatorOptions(idp)));
const authenticatorApi = `${authenticator.url}/api/v1`;

function sts(options: Partial<StsOptions> = {}) {
  return started(startSts({ authenticatorUrl: authenticatorApi, ...options }));
}
const defaultSts = await sts();
const stsLogin = async (body: unknown, url = defaultSts.url) => postJson(`${url}/api/v1/sts/login`, body);

/** A user's own authentication API that answers one fixed reply (to check lakeFS's reading of replies). */
async function fixedAuthenticator(status: number, contentType: string, body: string): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(status, { 'content-type': contentType }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
}

describe('sts: POST /api/v1/sts/login (lakeFS public STS login)', () => {
  it('returns a lakeFS login token: HS256, iss auth, aud login, sub, jti, one hour by default', async () => {
    const reply = await stsLogin(await lakefsCode(idp, { user: 'alice' }));
    expect(reply.status).toBe(200);
    const token = reply.body['token'] as string;
    const claims = decodeJwt(token);
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    expect(claims).toMatchObject({ iss: 'auth', aud: 'login', sub: 'alice', jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(reply.body['token_expiration']).toBe(claims.exp);
  });

  it('honours ttl_seconds below the cap', async () => {
    const claims = decodeJwt((await stsLogin({ ...(await lakefsCode(idp)), ttl_seconds: 7200 })).body['token'] as string);
    expect(claims.exp! - claims.iat!).toBe(7200);
  });

  it('caps ttl_seconds at 43200', async () => {
    const claims = decodeJwt((await stsLogin({ ...(await lakefsCode(idp)), ttl_seconds: 50000 })).body['token'] as string);
    expect(claims.exp! - claims.iat!).toBe(43200);
  });

  it('refuses ttl_seconds of 0 with 400 instead of minting an expired token', async () => {
    const reply = await stsLogin({ ...(await lakefsCode(idp)), ttl_seconds: 0 });
    expect(reply).toMatchObject({ status: 400, body: { message: expect.stringContaining('ttl_seconds must be at least 1') } });
  });

  it('refuses a ttl_seconds that is not an integer with 400', async () => {
    const reply = await stsLogin({ code: 'c', state: 's', redirect_uri: 'r', ttl_seconds: '3600' });
    expect(reply).toMatchObject({ status: 400, body: { message: 'ttl_seconds must be an integer number of seconds' } });
  });

  it("answers the token's user at GET /api/v1/user", async () => {
    const { token } = (await stsLogin(await lakefsCode(idp, { user: 'bob' }))).body as { token: string };
    const response = await fetch(`${defaultSts.url}/api/v1/user`, { headers: { authorization: `Bearer ${token}` } });
    expect(await response.json()).toEqual({ user: { id: 'bob' } });
  });

  it('refuses an expired login token at GET /api/v1/user with 401', async () => {
    let offset = 0;
    const clocked = await sts({ now: () => Date.now() + offset });
    const { token } = (await stsLogin({ ...(await lakefsCode(idp)), ttl_seconds: 60 }, clocked.url)).body as { token: string };
    offset = 61_000;
    const response = await fetch(`${clocked.url}/api/v1/user`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toContain('"exp" claim timestamp check failed');
  });

  it('maps the IdP sub to a lakeFS user name when users are configured', async () => {
    const mapped = await sts({ lakefsUsers: { alice: 'alice-lakefs' } });
    const reply = await stsLogin(await lakefsCode(idp, { user: 'alice' }), mapped.url);
    expect(decodeJwt(reply.body['token'] as string).sub).toBe('alice-lakefs');
  });

  it('answers 404 when no lakeFS user has the IdP sub', async () => {
    const mapped = await sts({ lakefsUsers: { alice: 'alice-lakefs' } });
    const reply = await stsLogin(await lakefsCode(idp, { user: 'bob' }), mapped.url);
    expect(reply).toMatchObject({ status: 404, body: { message: expect.stringContaining('"bob"') } });
  });

  it('answers 401 when a claim of validate_id_token_claims differs, even only in case', async () => {
    const strict = await sts({ validateIdTokenClaims: { email: 'Alice@example.test' } });
    const reply = await stsLogin(await lakefsCode(idp, { user: 'alice' }), strict.url);
    expect(reply).toMatchObject({ status: 401, body: { message: 'claim "email" does not have the required value' } });
  });

  it('passes a 401 of the authenticator through (a reused code)', async () => {
    const code = await lakefsCode(idp);
    await stsLogin(code);
    const replay = await stsLogin(code);
    expect(replay).toMatchObject({ status: 401, body: { message: expect.stringContaining('invalid_grant') } });
  });

  it('lets exactly one of two parallel logins with the same code succeed', async () => {
    const code = await lakefsCode(idp);
    const statuses = (await Promise.all([stsLogin(code), stsLogin(code)])).map((reply) => reply.status).sort();
    expect(statuses).toEqual([200, 401]);
  });

  it('passes a 400 of the authenticator through (a state that is no PKCE verifier)', async () => {
    const reply = await stsLogin({ ...(await lakefsCode(idp)), state: 'not-a-verifier' });
    expect(reply.status).toBe(400);
  });

  it('answers 400 when code is missing', async () => {
    const reply = await stsLogin({ state: 's', redirect_uri: 'r' });
    expect(reply).toMatchObject({ status: 400, body: { message: 'code is required and must be a non-empty string' } });
  });

  it('answers 400 for malformed JSON', async () => {
    const reply = await stsLogin('{code');
    expect(reply.status).toBe(400);
  });

  it('answers 501 when no authentication API is configured', async () => {
    const bare = await started(startSts({}));
    const reply = await stsLogin({ code: 'c', state: 's', redirect_uri: 'r' }, bare.url);
    expect(reply).toMatchObject({ status: 501, body: { message: expect.stringContaining('--authenticator') } });
  });
});

describe('sts: reading the authentication API the way lakeFS does', () => {
  it('answers 500 when the authenticator returns a non-string claim', async () => {
    const url = await fixedAuthenticator(200, 'application/json', JSON.stringify({ claims: { sub: 'alice', email_verified: true } }));
    const reply = await stsLogin({ code: 'c', state: 's', redirect_uri: 'r' }, (await sts({ authenticatorUrl: url })).url);
    expect(reply).toMatchObject({ status: 500, body: { message: expect.stringContaining('"email_verified" as boolean') } });
  });

  it('answers 500 when the authenticator answers 200 as text/plain', async () => {
    const url = await fixedAuthenticator(200, 'text/plain', '{"claims":{"sub":"alice"}}');
    const reply = await stsLogin({ code: 'c', state: 's', redirect_uri: 'r' }, (await sts({ authenticatorUrl: url })).url);
    expect(reply.status).toBe(500);
  });

  it('answers 401 when the authenticator returns claims without sub', async () => {
    const url = await fixedAuthenticator(200, 'application/json', JSON.stringify({ claims: { email: 'a@example.test' } }));
    const reply = await stsLogin({ code: 'c', state: 's', redirect_uri: 'r' }, (await sts({ authenticatorUrl: url })).url);
    expect(reply).toMatchObject({ status: 401, body: { message: 'the authenticator returned no sub claim' } });
  });

  it('answers 500 when the authenticator answers 403', async () => {
    const url = await fixedAuthenticator(403, 'application/json', '{"message":"forbidden"}');
    const reply = await stsLogin({ code: 'c', state: 's', redirect_uri: 'r' }, (await sts({ authenticatorUrl: url })).url);
    expect(reply).toMatchObject({ status: 500, body: { message: expect.stringContaining('unexpected status 403') } });
  });

  it('answers 500 when the authenticator answers 401 with a body that is not JSON', async () => {
    const url = await fixedAuthenticator(401, 'text/html', '<h1>nope</h1>');
    const reply = await stsLogin({ code: 'c', state: 's', redirect_uri: 'r' }, (await sts({ authenticatorUrl: url })).url);
    expect(reply.status).toBe(500);
  });

  it('answers 500 when the authenticator cannot be reached', async () => {
    const reply = await stsLogin({ code: 'c', state: 's', redirect_uri: 'r' }, (await sts({ authenticatorUrl: 'http://127.0.0.1:9/api/v1' })).url);
    expect(reply).toMatchObject({ status: 500, body: { message: expect.stringContaining('could not be reached') } });
  });

  it('answers 500 when the authenticator cannot reach its IdP (502)', async () => {
    const broken = await started(startAuthenticator({ issuer: 'http://127.0.0.1:9/default', clientId: 'lakefs' }));
    const reply = await stsLogin(await lakefsCode(idp), (await sts({ authenticatorUrl: `${broken.url}/api/v1` })).url);
    expect(reply).toMatchObject({ status: 500, body: { message: expect.stringContaining('502') } });
  });
});
