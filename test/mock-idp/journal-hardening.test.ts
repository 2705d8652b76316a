import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { Journal } from '../../mock-idp/journal/journal.ts';
import { maskAuthorization } from '../../common/mask.ts';
import { startTestIdp, relyingParty } from '../support/idp.ts';

/*
 * The journal against what an unauthenticated caller can send: headers that do not decode,
 * credentials without a scheme, and large bodies. It stays readable, keeps no credential, and
 * stays within its byte bound.
 */

const idp = await startTestIdp({
  server: { journalBytes: 4 * 1024 * 1024 },
  tenants: { default: { clients: { service: { secret: 'service-secret', grants: ['client_credentials'] } } } },
});
const issuer = idp.issuer();

async function adminGets(): Promise<number[]> {
  const paths = ['/journal', '/journal?limit=5', '/tenants', '/tenants/default', '/tenants/default/clock', '/health'];
  return Promise.all(paths.map(async (path) => (await fetch(`${idp.url}/_admin${path}`)).status));
}

describe('journal hardening', () => {
  it('stays readable after a Basic header whose client id is not valid percent-encoding', async () => {
    const basic = Buffer.from('%E0%A4%A:x').toString('base64');
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(400);
    expect(await adminGets()).toEqual([200, 200, 200, 200, 200, 200]);
    const [entry] = await idp.admin.journal({ limit: 1 });
    expect(entry?.authorization).toBe('Basic %E0%A4%A:***');
  });

  it('resets a tenant and clears its journal after such a request, in full', async () => {
    await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('%zz:x').toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    await idp.admin.users.put('default', 'temporary', {});
    const reset = await fetch(`${idp.url}/_admin/tenants/default/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(reset.status).toBe(200);
    expect((await idp.admin.users.list('default')).map((user) => user['username'])).not.toContain('temporary');
    expect(await idp.admin.journal({ tenant: 'default' })).toEqual([]);
  });

  it('keeps no part of an access token sent without a scheme', async () => {
    const service = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    const { access_token } = await oidc.clientCredentialsGrant(service);
    await fetch(`${issuer}/userinfo`, { headers: { authorization: access_token } });
    const [entry] = await idp.admin.journal({ endpoint: 'userinfo', limit: 1 });
    expect(entry?.authorization).toMatch(/^\*\*\* \(\d+ characters, no known scheme\)$/);
    expect(JSON.stringify(entry)).not.toContain(access_token.slice(0, 12));
  });

  it('keeps no part of bare base64 client credentials', () => {
    const bare = Buffer.from('service:service-secret').toString('base64');
    expect(maskAuthorization(bare)).not.toContain(bare.slice(0, 8));
    expect(maskAuthorization(`${bare} trailing`)).not.toContain(bare.slice(0, 8));
    expect(maskAuthorization('Bearer abc.def.ghi')).toBe('Bearer ***');
  });

  it('cuts large parameters down before keeping them', async () => {
    const since = idp.journal.lastSeq;
    const big = 'x'.repeat(40_000);
    await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: big }),
    });
    const [entry] = await idp.admin.journal({ since });
    expect(entry?.params['scope']).toMatch(/…\(40000\)$/);
    expect(JSON.stringify(entry).length).toBeLessThan(4_000);
  });

  it('stays within its byte bound however large the requests, dropping the oldest entries', () => {
    const journal = new Journal({ limit: 10_000, bytes: 1_000_000 });
    for (let index = 0; index < 2_000; index += 1) {
      journal.record(
        { at: Date.now(), tenant: 't', endpoint: 'token', method: 'POST', path: '/t/token', status: 400, latencyMs: 1 },
        () => ({ params: {} }),
        200_000,
      );
    }
    expect(journal.bytes).toBeLessThanOrEqual(1_000_000);
    expect(journal.size).toBeGreaterThan(0);
    expect(journal.query({ limit: 1 })[0]?.seq).toBe(2_000);
  });

  it('answers a query with a small limit without building the entries it skips', () => {
    const journal = new Journal({ limit: 10_000, bytes: 64 * 1024 * 1024 });
    let built = 0;
    for (let index = 0; index < 5_000; index += 1) {
      journal.record(
        { at: Date.now(), tenant: index % 2 ? 'a' : 'b', endpoint: 'token', method: 'POST', path: '/a/token', status: 200, latencyMs: 1 },
        () => {
          built += 1;
          return { params: {} };
        },
        100,
      );
    }
    expect(journal.query({ tenant: 'a', limit: 10 })).toHaveLength(10);
    expect(built).toBe(10);
  });

  it('answers a journal entry whose details cannot be built with what it knows, not an error', () => {
    const journal = new Journal({ limit: 10, bytes: 1_000_000 });
    journal.record(
      { at: Date.now(), tenant: 't', endpoint: 'token', method: 'POST', path: '/t/token', status: 400, latencyMs: 1 },
      () => {
        throw new URIError('URI malformed');
      },
      100,
    );
    expect(journal.query()).toEqual([expect.objectContaining({ tenant: 't', status: 400, note: expect.stringContaining('URI malformed') })]);
  });

  it('streams a large journal answer instead of building one string', async () => {
    const response = await fetch(`${idp.url}/_admin/journal`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('content-length')).toBeNull();
    expect(Array.isArray(await response.json())).toBe(true);
  });
});
