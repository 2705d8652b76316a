import { CookieKeys } from '../../mock-idp/server/cookie-keys.ts';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../mock-idp/index.ts';
import { createTenant } from '../../mock-idp/tenant/create.ts';
import { TenantOperations } from '../../mock-idp/tenant/operations.ts';
import { FaultRules, parseFaultRule } from '../../mock-idp/faults/rules.ts';
import { startTestIdp } from '../support/idp.ts';

/*
 * What the admin API may create is bounded by documented limits (server.limits), each refused
 * with a 409 that names the limit; and the per-request work does not grow with the totals.
 */

const limits = { tenants: 3, usersPerTenant: 4, clientsPerTenant: 3, faultRulesPerTenant: 3, keysPerTenant: 3 };
const idp = await startTestIdp({ server: { limits }, tenants: { default: { keys: [{ alg: 'ES256' }], users: { alice: {} } } } });
const admin = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${idp.url}/_admin${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function expectLimit(response: Response, limit: string): Promise<void> {
  expect(response.status).toBe(409);
  expect(await response.json()).toMatchObject({ error: 'limit_reached', error_description: expect.stringContaining(`server.limits.${limit}`) });
}

describe('limits of the admin API', () => {
  it('refuses a tenant past server.limits.tenants', async () => {
    expect((await admin('/tenants', 'POST', { name: 't2' })).status).toBe(201);
    expect((await admin('/tenants', 'POST', { name: 't3' })).status).toBe(201);
    await expectLimit(await admin('/tenants', 'POST', { name: 't4' }), 'tenants');
    expect((await admin('/tenants/t4')).status).toBe(404);
  });

  it('refuses a user past server.limits.usersPerTenant, and still replaces an existing one', async () => {
    for (const name of ['u2', 'u3', 'u4']) expect((await admin(`/tenants/default/users/${name}`, 'PUT', {})).status).toBe(201);
    await expectLimit(await admin('/tenants/default/users/u5', 'PUT', {}), 'usersPerTenant');
    expect((await admin('/tenants/default/users/u4', 'PUT', { groups: ['g'] })).status).toBe(200);
  });

  it('refuses a client past server.limits.clientsPerTenant', async () => {
    for (const name of ['c1', 'c2', 'c3'])
      expect((await admin(`/tenants/default/clients/${name}`, 'PUT', { secret: 'secret', grants: ['client_credentials'] })).status).toBe(201);
    await expectLimit(await admin('/tenants/default/clients/c4', 'PUT', { secret: 'secret', grants: ['client_credentials'] }), 'clientsPerTenant');
  });

  it('refuses a fault rule past server.limits.faultRulesPerTenant, and still replaces one by id', async () => {
    for (const id of ['f1', 'f2', 'f3'])
      expect((await admin('/tenants/default/faults', 'POST', { id, match: { endpoint: 'jwks' }, action: { latency: 1 } })).status).toBe(201);
    await expectLimit(await admin('/tenants/default/faults', 'POST', { id: 'f4', action: { latency: 1 } }), 'faultRulesPerTenant');
    expect((await admin('/tenants/default/faults', 'POST', { id: 'f3', action: { latency: 2 } })).status).toBe(201);
  });

  it('refuses a key rotation past server.limits.keysPerTenant', async () => {
    expect((await admin('/tenants/default/keys/rotate', 'POST', {})).status).toBe(200);
    expect((await admin('/tenants/default/keys/rotate', 'POST', {})).status).toBe(200);
    await expectLimit(await admin('/tenants/default/keys/rotate', 'POST', {}), 'keysPerTenant');
  });

  it('refuses a configuration that is already past its limits, naming the limit', () => {
    expect(() => parseConfig({ server: { limits: { usersPerTenant: 1 } }, tenants: { a: { users: { x: {}, y: {} } } } }, 'limits.yaml')).toThrow(ConfigError);
    expect(() => parseConfig({ server: { limits: { usersPerTenant: 1 } }, tenants: { a: { users: { x: {}, y: {} } } } }, 'limits.yaml')).toThrow(
      /usersPerTenant/,
    );
  });
});

describe('per-request work independent of the totals', () => {
  it('a request considers only the fault rules that can match its endpoint', () => {
    const rules = new FaultRules();
    for (let index = 0; index < 500; index += 1)
      rules.add(parseFaultRule({ id: `jwks-${index}`, match: { endpoint: 'jwks' }, action: { json: { set: { x: 1 } } } }));
    rules.add(parseFaultRule({ id: 'any', action: { json: { set: { y: 1 } } } }));
    rules.add(parseFaultRule({ id: 'userinfo', match: { endpoint: 'userinfo' }, action: { json: { set: { z: 1 } } } }));
    expect(rules.candidates('userinfo', 'after').map((rule) => rule.id)).toEqual(['any', 'userinfo']);
    expect(rules.concerns('token', 'before')).toBe(false);
    expect(rules.fire({ endpoint: 'userinfo', method: 'GET', tag: undefined, client: undefined, grant: undefined }, 'after').map((rule) => rule.id)).toEqual([
      'any',
      'userinfo',
    ]);
  });

  it('a user change that brings no new claim name keeps the provider, so its cost does not grow with the users', async () => {
    const config = parseConfig({ tenants: { solo: { keys: [{ alg: 'ES256' }], users: { a: { claims: { tier: 'gold' } } } } } }, 'solo').tenants['solo']!;
    const tenant = await createTenant('solo', 'http://127.0.0.1:1', config, new CookieKeys(['k']), { info() {}, warn() {}, error() {}, debug() {} });
    try {
      const provider = tenant.provider;
      const operations = new TenantOperations(tenant);
      operations.putUser('b', { groups: ['x'], claims: { tier: 'silver' } });
      operations.patchUser('a', { disabled: true });
      operations.deleteUser('b');
      expect(tenant.provider).toBe(provider);
      operations.putUser('c', { claims: { department: 'ops' } });
      expect(tenant.provider).not.toBe(provider);
    } finally {
      tenant.close();
    }
  });

  it('the login page lists at most 50 users and says how to reach the others', async () => {
    const users = Object.fromEntries(Array.from({ length: 120 }, (_, index) => [`user${index}`, {}]));
    const crowded = await startTestIdp({
      server: { limits: { usersPerTenant: 200 } },
      tenants: { crowd: { users, clients: { demo: { redirectUris: ['http://127.0.0.1:8080/callback'] } } } },
    });
    const { UserAgent } = await import('../../harness/actors/user-agent.ts');
    const ua = new UserAgent();
    const url = `${crowded.issuer('crowd')}/auth?${new URLSearchParams({ client_id: 'demo', response_type: 'code', scope: 'openid', redirect_uri: 'http://127.0.0.1:8080/callback', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`;
    const html = await (await ua.follow(url, { headers: { accept: 'text/html' } })).response.text();
    expect(html.match(/name="pick"/g)).toHaveLength(50);
    expect(html).toContain('70 more');
  });
});
