import { describe, expect, it } from 'vitest';
import { defaultTenant } from '../../../mock-idp/index.ts';
import { startTestIdp } from '../../support/idp.ts';
import { serviceToken } from './support.ts';

/*
 * Faults stay where they were put: another tenant, or another scenario tag on the same tenant,
 * sees the IdP behave normally while the faulty client is being served at the same time.
 */

const idp = await startTestIdp({ tenants: { default: defaultTenant, other: defaultTenant } });

async function concurrently(clients: Array<{ tenant: string; tag: string }>, rounds: number): Promise<Map<string, number[]>> {
  const seen = new Map<string, number[]>(clients.map(({ tenant, tag }) => [`${tenant}/${tag}`, []]));
  await Promise.all(
    clients.map(async ({ tenant, tag }) => {
      for (let round = 0; round < rounds; round += 1) {
        const response = await serviceToken(idp, tenant, { headers: { 'x-mockidp-scenario': tag } });
        seen.get(`${tenant}/${tag}`)!.push(response.status);
      }
    }),
  );
  return seen;
}

describe('fault isolation', () => {
  it('a rule of one tenant never changes another tenant served at the same time', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { status: 503 } });
    const seen = await concurrently(
      [
        { tenant: 'default', tag: 'a' },
        { tenant: 'other', tag: 'a' },
      ],
      6,
    );
    expect(seen.get('default/a')).toEqual([503, 503, 503, 503, 503, 503]);
    expect(seen.get('other/a')).toEqual([200, 200, 200, 200, 200, 200]);
    await idp.admin.faults.clear('default');
  });

  it('a tagged rule never changes a request of another scenario tag served at the same time, and counts only its own', async () => {
    await idp.admin.faults.add('default', { id: 'mine', match: { endpoint: 'token', tag: 'mine' }, action: { status: 500 }, count: 3 });
    const seen = await concurrently(
      [
        { tenant: 'default', tag: 'mine' },
        { tenant: 'default', tag: 'theirs' },
      ],
      5,
    );
    expect(seen.get('default/mine')).toEqual([500, 500, 500, 200, 200]);
    expect(seen.get('default/theirs')).toEqual([200, 200, 200, 200, 200]);
    expect(await idp.admin.faults.list('default')).toEqual([expect.objectContaining({ id: 'mine', matched: 5, fired: 3 })]);
    const journal = async (scenario: string) =>
      (await idp.admin.journal({ tenant: 'default', endpoint: 'token', scenario })).map((entry) => entry.faults?.map((fault) => fault.id) ?? []);
    expect((await journal('mine')).flat()).toEqual(['mine', 'mine', 'mine']);
    expect((await journal('theirs')).flat()).toEqual([]);
    await idp.admin.faults.clear('default');
  });
});
