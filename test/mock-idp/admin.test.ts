import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { startMockIdp, AdminClient } from '../../mock-idp/index.ts';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';

const idp = await startTestIdp();

describe('admin API', () => {
  it('adds a tenant at runtime that serves its own issuer', async () => {
    const created = await idp.admin.addTenant('runtime', {
      users: { zoe: { email: 'zoe@example.test' } },
      clients: { app: { secret: 'app-secret-1', grants: ['client_credentials'] } },
    });
    expect(created).toMatchObject({ name: 'runtime', issuer: `${idp.url}/runtime`, users: ['zoe'], clients: ['app'] });
    const discovery = (await (await fetch(`${idp.url}/runtime/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(`${idp.url}/runtime`);
  });

  it('refuses a tenant config with an unknown field, naming the field', async () => {
    await expect(idp.admin.addTenant('broken', { users: { a: { emial: 'x' } } } as never)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('tenants.broken.users.a.emial: unknown field "emial"'),
    });
  });

  it('refuses a reserved or malformed tenant name', async () => {
    await expect(idp.admin.addTenant('_admin')).rejects.toMatchObject({ status: 400 });
    await expect(idp.admin.addTenant('has space')).rejects.toMatchObject({ status: 400, message: expect.stringContaining('tenant names') });
  });

  it('refuses to add a tenant twice with 409', async () => {
    await idp.admin.addTenant('twice');
    await expect(idp.admin.addTenant('twice')).rejects.toMatchObject({ status: 409 });
  });

  it('adds a user whose login works at once, and never returns passwords', async () => {
    const view = await idp.admin.users.put('default', 'erin', { password: 'pw-erin', groups: ['qa'] });
    expect(view).toMatchObject({ username: 'erin', sub: 'erin', groups: ['qa'] });
    expect(view).not.toHaveProperty('password');
    const rp = await relyingParty(idp.issuer(), 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'erin', password: 'pw-erin' });
    expect(tokens.claims()).toMatchObject({ sub: 'erin', groups: ['qa'] });
  });

  it("changes a user's groups and claims so the next token carries them", async () => {
    await idp.admin.users.put('default', 'frank', { groups: ['a'] });
    await idp.admin.users.patch('default', 'frank', { groups: ['b', 'c'], claims: { tier: 'gold' } });
    const rp = await relyingParty(idp.issuer(), 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'frank' });
    expect(tokens.claims()).toMatchObject({ groups: ['b', 'c'], tier: 'gold' });
  });

  it('answers a bad user payload with 400 and the path of the bad field', async () => {
    await expect(idp.admin.users.put('default', 'gina', { groups: 'admins' } as never)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('users.gina.groups'),
    });
  });

  it('adds a client and refuses one that cannot work, saying what to fix', async () => {
    await idp.admin.clients.put('default', 'extra', { secret: 'extra-secret', grants: ['client_credentials'] });
    const rp = await relyingParty(idp.issuer(), 'extra', { secret: 'extra-secret' });
    expect((await oidc.clientCredentialsGrant(rp)).access_token).toBeTruthy();
    await expect(idp.admin.clients.put('default', 'nowhere', { grants: ['authorization_code'] })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('needs at least one redirect URI'),
    });
  });

  it('never returns client secrets', async () => {
    const clients = await idp.admin.clients.list('default');
    expect(JSON.stringify(clients)).not.toContain('service-secret');
    expect(clients.find((client) => client['clientId'] === 'service')).toMatchObject({ hasSecret: true });
  });

  it('answers 404 with the known tenants for an unknown tenant', async () => {
    await expect(idp.admin.users.list('nope')).rejects.toMatchObject({ status: 404, message: expect.stringContaining('tenants: default') });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await fetch(`${idp.url}/_admin/tenants/default/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"seconds":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('not valid JSON') });
  });

  it('answers 404 for an unknown admin route and 405 for a wrong method', async () => {
    expect((await fetch(`${idp.url}/_admin/nothing-here`)).status).toBe(404);
    expect((await fetch(`${idp.url}/_admin/tenants/default/clock`, { method: 'DELETE' })).status).toBe(405);
  });

  it("revokes a user's grants so their refresh tokens stop working", async () => {
    const rp = await relyingParty(idp.issuer(), 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'bob' });
    expect(await idp.admin.revokeGrants('default', { user: 'bob', client: 'demo' })).toMatchObject({ revoked: expect.any(Number) });
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('resets a tenant to its configuration: runtime users disappear', async () => {
    await idp.admin.addTenant('resettable', { users: { one: {} } });
    await idp.admin.users.put('resettable', 'two', {});
    await idp.admin.resetTenant('resettable');
    expect((await idp.admin.users.list('resettable')).map((user) => user['username'])).toEqual(['one']);
  });
});

describe('admin API protection', () => {
  it('requires the bearer token when one is configured', async () => {
    const guarded = await startMockIdp({ server: { adminToken: 'correct-horse-battery', logLevel: 'silent' }, tenants: { t: {} } });
    try {
      const response = await fetch(`${guarded.url}/_admin/tenants`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      await expect(new AdminClient(guarded.url, { token: 'wrong-token-value' }).tenants()).rejects.toMatchObject({ status: 401 });
      expect(await guarded.admin.tenants()).toHaveLength(1);
    } finally {
      await guarded.close();
    }
  });

  it('refuses to start with an unprotected admin API on a non-loopback address', async () => {
    await expect(startMockIdp({ server: { host: '0.0.0.0', logLevel: 'silent' }, tenants: { t: {} } })).rejects.toThrow(
      /refusing to serve an unprotected admin API on 0\.0\.0\.0/,
    );
  });

  it('starts on a non-loopback address with an admin token', async () => {
    const exposed = await startMockIdp({ server: { host: '0.0.0.0', adminToken: 'correct-horse-battery', logLevel: 'silent' }, tenants: { t: {} } });
    await exposed.close();
    expect(exposed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
