import { describe, expect, it } from 'vitest';
import { startTestIdp } from '../support/idp.ts';

const REQUESTS = 20_000;
const CONCURRENCY = 64;

const idp = await startTestIdp({
  server: { journalLimit: 50_000 },
  tenants: { load: { clients: { worker: { secret: 'worker-secret', grants: ['client_credentials'] } } } },
});
const issuer = idp.issuer('load');
const basic = `Basic ${Buffer.from('worker:worker-secret').toString('base64')}`;

async function inParallel<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

describe('load', () => {
  it(`issues ${REQUESTS} client_credentials tokens at concurrency ${CONCURRENCY} without an error, a lost grant or a missing journal entry`, async () => {
    const since = idp.journal.lastSeq;
    const answers = await inParallel(REQUESTS, CONCURRENCY, async () => {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: 'grant_type=client_credentials',
      });
      return { status: response.status, token: ((await response.json()) as { access_token?: string }).access_token };
    });
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    const tokens = new Set(answers.map((answer) => answer.token));
    expect(tokens.size).toBe(REQUESTS);

    // Every token stays a live grant: introspect an evenly spread sample of them.
    const sample = [...tokens].filter((_, index) => index % 40 === 0);
    const active = await inParallel(sample.length, 16, async (index) => {
      const response = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: new URLSearchParams({ token: sample[index]! }),
      });
      return ((await response.json()) as { active: boolean }).active;
    });
    expect(active.every(Boolean)).toBe(true);

    expect(idp.journal.query({ since, tenant: 'load', endpoint: 'token', status: 200 })).toHaveLength(REQUESTS);
  }, 120_000);
});
