import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readForms } from '../../../harness/actors/user-agent.ts';
import { AdminError, defaultTenant } from '../../../mock-idp/index.ts';
import { codeLogin } from '../../support/code-login.ts';
import { startTestIdp } from '../../support/idp.ts';

/*
 * Logout tokens (OpenID Back-Channel Logout 1.0) as a client's back-channel endpoint receives them,
 * with and without fault rules.
 */

const received: string[] = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    received.push(new URLSearchParams(body).get('logout_token') ?? '');
    response.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
const backchannel = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel-logout`;

const REDIRECT_URI = 'http://127.0.0.1:8080/callback';
const portal = { redirectUris: [REDIRECT_URI], authMethod: 'none' as const, backchannelLogoutUri: backchannel, backchannelLogoutSessionRequired: true };
const idp = await startTestIdp({ tenants: { default: { ...defaultTenant, clients: { ...defaultTenant.clients, portal } } } });
const issuer = idp.issuer('default');
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

afterEach(async () => {
  received.length = 0;
  await idp.admin.faults.clear('default');
});

/** alice logs in to portal in a browser, then logs out there: returns the logout token portal received. */
async function logoutToken(): Promise<string> {
  const { tokens, userAgent } = await codeLogin(issuer, { client: 'portal', redirectUri: REDIRECT_URI });
  const page = await userAgent.follow(`${issuer}/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token ?? '', client_id: 'portal' })}`);
  const form = readForms(await page.response.text(), page.url).find((candidate) => 'xsrf' in candidate.fields)!;
  const done = await userAgent.follow(form.action, { form: { ...form.fields, logout: 'yes' } });
  expect(done.response.status).toBeLessThan(400);
  expect(received).toHaveLength(1);
  return received[0]!;
}

const verifyLogout = (token: string) => jwtVerify(token, jwks, { issuer, audience: 'portal', typ: 'logout+jwt' });

describe('logout tokens without faults', () => {
  it('are delivered to the back-channel URI, signed by the tenant, with the back-channel logout event and the sid', async () => {
    const { payload } = await verifyLogout(await logoutToken());
    expect(payload.sub).toBe('alice');
    expect(payload['events']).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload['sid']).toEqual(expect.any(String));
    expect(payload['nonce']).toBeUndefined();
  });
});

describe('the journal of back-channel deliveries', () => {
  it('records each logout token the IdP posts, with the client, the user and the status the client answered', async () => {
    const since = idp.journal.lastSeq;
    await logoutToken();
    const deliveries = idp.journal.query({ since, tenant: 'default', endpoint: 'backchannel_logout' });
    expect(deliveries).toEqual([
      expect.objectContaining({ endpoint: 'backchannel_logout', method: 'POST', path: backchannel, status: 200, clientId: 'portal', user: 'alice' }),
    ]);
    expect(deliveries[0]!.params['logout_token']).toMatch(/^eyJ.{3}…\(\d+\)$/);
  });
});

describe('logout token faults', () => {
  it('signs with a published key of another algorithm: a valid ES256 signature where the client registered RS256', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'end_session' }, action: { token: { of: 'logout_token', sign: 'other-published-alg' } } });
    const token = await logoutToken();
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
    const { payload } = await jwtVerify(token, jwks, { issuer, audience: 'portal' });
    expect(payload.sub).toBe('alice');
  });

  it('a wrong iss fails issuer validation', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'end_session' }, action: { token: { of: 'logout_token', wrong: ['iss'] } } });
    await expect(verifyLogout(await logoutToken())).rejects.toThrow(/unexpected "iss" claim value/);
  });

  it('a missing events claim and an added nonce are written as asked, and still signed by the tenant', async () => {
    await idp.admin.faults.add('default', {
      match: { endpoint: 'end_session', client: 'portal' },
      action: { token: { of: 'logout_token', remove: ['events', 'sid'], claims: { nonce: 'n-1' } } },
    });
    const { payload } = await verifyLogout(await logoutToken());
    expect(payload['events']).toBeUndefined();
    expect(payload['sid']).toBeUndefined();
    expect(payload['nonce']).toBe('n-1');
  });

  it('a logout token signed with alg none has no signature', async () => {
    await idp.admin.faults.add('default', { action: { token: { of: 'logout_token', sign: 'none' } } });
    const token = await logoutToken();
    expect(decodeProtectedHeader(token).alg).toBe('none');
    await expect(verifyLogout(token)).rejects.toThrow();
  });

  it('a logout token with a flipped signature byte fails verification', async () => {
    await idp.admin.faults.add('default', { action: { token: { of: 'logout_token', sign: 'bad-signature' } } });
    await expect(verifyLogout(await logoutToken())).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('a logout token issued an hour ago with its typ changed is written as asked', async () => {
    await idp.admin.faults.add('default', { action: { token: { of: 'logout_token', issuedIn: -3600, header: { typ: 'JWT' } } } });
    const token = await logoutToken();
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
    expect(Math.floor(Date.now() / 1000) - decodeJwt(token).iat!).toBeGreaterThanOrEqual(3595);
  });

  it('fires only for the user it matches, and is recorded on the end_session request', async () => {
    await idp.admin.faults.add('default', { id: 'bob-only', match: { user: 'bob' }, action: { token: { of: 'logout_token', wrong: ['sub'] } } });
    await expect(verifyLogout(await logoutToken())).resolves.toBeDefined();
    expect((await idp.admin.faults.list('default'))[0]).toMatchObject({ matched: 0, fired: 0 });
    await idp.admin.faults.add('default', { id: 'alice-only', match: { user: 'alice' }, action: { token: { of: 'logout_token', wrong: ['sub'] } } });
    received.length = 0;
    expect(decodeJwt(await logoutToken()).sub).toBe('alice-other');
    const entries = await idp.admin.journal({ tenant: 'default', endpoint: 'end_session', limit: 3 });
    expect(entries.flatMap((entry) => entry.faults ?? [])).toEqual([{ id: 'alice-only', action: 'token: of=logout_token wrong=["sub"]' }]);
  });

  it('a rule on all tokens of token responses leaves logout tokens alone', async () => {
    await idp.admin.faults.add('default', { action: { token: { of: 'all', claims: { tampered: true } } } });
    const { payload } = await verifyLogout(await logoutToken());
    expect(payload['tampered']).toBeUndefined();
  });

  it('refuses a logout token rule on an endpoint that sends none', async () => {
    const error = await idp.admin.faults
      .add('default', { match: { endpoint: 'token' }, action: { token: { of: 'logout_token', wrong: ['iss'] } } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdminError);
    expect((error as AdminError).message).toMatch(/fault\.match\.endpoint: logout tokens are sent while the IdP handles end_session/);
  });
});
