import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FLAWS } from '../../components/index.ts';
import { runFlawMatrix, type FlawMatrix } from '../../harness/flaws/matrix.ts';

/*
 * The built-in suite against the embedded reference components: every scenario passes against the
 * clean components, and every deliberate flaw is caught by at least one of them. Adding a flaw
 * without a scenario that catches it makes this fail.
 */

const SCENARIOS = fileURLToPath(new URL('../../scenarios', import.meta.url));
let matrix: FlawMatrix;

beforeAll(async () => {
  matrix = await runFlawMatrix({ paths: [SCENARIOS] });
}, 180_000);

describe('the built-in suite', () => {
  it('passes every scenario against the clean reference components', () => {
    const failed = matrix.clean.scenarios
      .filter((scenario) => scenario.status !== 'passed')
      .map((scenario) => `${scenario.file}: ${scenario.failure?.message ?? scenario.skipReason}`);
    expect(failed).toEqual([]);
    expect(matrix.clean.summary.total).toBeGreaterThanOrEqual(80);
  });

  it('catches every flaw of the reference components with at least one scenario', () => {
    expect(matrix.rows.map((row) => row.flaw).sort()).toEqual(FLAWS.map((flaw) => flaw.name).sort());
    expect(matrix.uncaught).toEqual([]);
  });

  for (const flaw of FLAWS) {
    it(`fails at least one scenario against the ${flaw.component} with the flaw ${flaw.name}, and each such scenario passes clean`, () => {
      const row = matrix.rows.find((candidate) => candidate.flaw === flaw.name);
      expect(row, `the matrix has no row for ${flaw.name}`).toBeDefined();
      expect(row!.ran, `no scenario of the ${flaw.component} ran against ${flaw.name}`).toBeGreaterThan(0);
      expect(row!.caughtBy.length, `no scenario catches ${flaw.name} (${flaw.caughtBy})`).toBeGreaterThanOrEqual(1);
      const passedClean = new Set(matrix.clean.scenarios.filter((scenario) => scenario.status === 'passed').map((scenario) => scenario.id));
      expect(row!.caughtBy.filter((scenario) => !passedClean.has(scenario.id))).toEqual([]);
    });
  }
});
