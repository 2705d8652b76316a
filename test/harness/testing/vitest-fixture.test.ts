import { describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { useMockIdp, loginAs, mintToken } from '../../../harness/testing/vitest.ts';

const fixture = useMockIdp();

describe('vitest fixture', () => {
  it('runs an IdP for the file and logs a user in with one call', async () => {
    const { claims, refreshToken } = await loginAs(fixture.idp, { username: 'alice', password: 'alice' });
    expect(claims).toMatchObject({ sub: 'alice', aud: 'demo', groups: ['admins', 'developers'] });
    expect(refreshToken).toBeTruthy();
  });

  it('logs a user in with claims chosen for that login', async () => {
    const { claims } = await loginAs(fixture.idp, { username: 'bob', claims: { department: 'research' } });
    expect(claims).toMatchObject({ sub: 'bob', department: 'research' });
  });

  it('mints a token with chosen claims that verifies against the JWKS', async () => {
    const token = await mintToken(fixture.idp, { type: 'access_token', client: 'service', claims: { roles: ['orders.admin'] } });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${fixture.idp.issuer()}/jwks`)), { audience: 'api://default' });
    expect(payload.roles).toEqual(['orders.admin']);
  });

  it('resets the IdP before each test: a user added in one test is gone in the next (part 1)', async () => {
    await fixture.idp.admin.users.put('default', 'temp', {});
    expect((await fixture.idp.admin.users.list('default')).map((user) => user['username'])).toContain('temp');
  });

  it('resets the IdP before each test: a user added in one test is gone in the next (part 2)', async () => {
    expect((await fixture.idp.admin.users.list('default')).map((user) => user['username'])).not.toContain('temp');
  });
});

describe('vitest fixture per test', () => {
  const fresh = useMockIdp({
    per: 'test',
    config: { tenants: { solo: { users: { sam: {} }, clients: { app: { redirectUris: ['http://127.0.0.1:9/cb'] } } } } },
  });

  it('gives each test its own IdP with the given configuration', async () => {
    const { claims } = await loginAs(fresh.idp, { tenant: 'solo', client: 'app', username: 'sam' });
    expect(claims.iss).toBe(fresh.idp.issuer('solo'));
  });
});
