import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants } from './fuzz/invariants.ts';
import { adminRequest, protocolRequest } from './fuzz/requests.ts';
import { FuzzWorld } from './fuzz/world.ts';

/*
 * The quick, seeded form of `npm run fuzz`: hostile headers (Authorization in every shape,
 * Content-Encoding, Content-Type, Host, Origin, cookies) and bodies at every endpoint of the IdP
 * and of the components, and every admin route with values at the edges of its schema. After each
 * run the invariants hold: no 5xx, every admin GET, the journal and the dashboard answer 2xx, and
 * memory stays under its bound.
 */

const world = await FuzzWorld.start();
afterAll(() => world.close());
const ownHost = new URL(world.idp.url).host;
const seed = 20261201;

async function expectInvariants(): Promise<void> {
  const report = await checkInvariants(world);
  expect(report.broken).toEqual([]);
}

describe('fuzzing every header and body the IdP and the components read (fast-check)', () => {
  it('answers hostile protocol requests without a 5xx, and the invariants hold', async () => {
    await fc.assert(
      fc.asyncProperty(protocolRequest(ownHost), async (request) => {
        const { status } = await world.send(request);
        expect(status, `${request.server} ${request.method} ${request.path}`).toBeLessThan(500);
      }),
      { numRuns: 600, seed },
    );
    await expectInvariants();
  }, 120_000);

  it('answers every admin route with values at the edges of its schema without a 5xx, and the invariants hold', async () => {
    await fc.assert(
      fc.asyncProperty(adminRequest(ownHost), async (request) => {
        const { status } = await world.send(request);
        expect(status, `${request.method} ${request.path}`).toBeLessThan(500);
      }),
      { numRuns: 600, seed },
    );
    await expectInvariants();
  }, 120_000);
});
