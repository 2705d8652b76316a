import { describe, expect, it } from 'vitest';
import { runFlawMatrix } from '../../../harness/flaws/matrix.ts';
import { AUTHENTICATOR_REPLAY as REPLAY, scenarioDir } from '../support/scenarios.ts';

const BROKEN_EVERYWHERE = `
name: a scenario that fails even against the clean components
target: authenticator
steps:
  - login: { user: bob }
  - call: authenticator.login
    expect: { status: 418 }
`;

describe('runFlawMatrix', () => {
  it('counts a flaw as caught by a scenario that passes clean and fails against the flawed variant', async () => {
    const matrix = await runFlawMatrix({ paths: [await scenarioDir({ 'replay.yaml': REPLAY })], flaws: ['accept-reused-code'] });
    expect(matrix.clean.summary.passed).toBe(1);
    expect(matrix.rows).toEqual([
      expect.objectContaining({
        flaw: 'accept-reused-code',
        component: 'authenticator',
        caughtBy: [expect.objectContaining({ name: 'the authenticator refuses a replayed code' })],
      }),
    ]);
    expect(matrix.uncaught).toEqual([]);
  });

  it('lists a flaw that no scenario catches as uncaught', async () => {
    const matrix = await runFlawMatrix({ paths: [await scenarioDir({ 'replay.yaml': REPLAY })], flaws: ['skip-aud-check'] });
    expect(matrix.rows[0]?.caughtBy).toEqual([]);
    expect(matrix.uncaught).toEqual(['skip-aud-check']);
  });

  it('never credits a scenario that also fails against the clean components', async () => {
    const matrix = await runFlawMatrix({ paths: [await scenarioDir({ 'broken.yaml': BROKEN_EVERYWHERE })], flaws: ['accept-reused-code'] });
    expect(matrix.clean.summary.failed).toBe(1);
    expect(matrix.uncaught).toEqual(['accept-reused-code']);
  });

  it('refuses an unknown flaw name before running anything', async () => {
    await expect(runFlawMatrix({ paths: ['scenarios'], flaws: ['no-such-flaw'] })).rejects.toThrow(/unknown flaw "no-such-flaw"/);
  });
});
