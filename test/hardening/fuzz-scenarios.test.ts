import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../harness/scenario/load.ts';
import { STEP_KINDS } from '../../harness/steps/index.ts';

/*
 * The scenario parser against arbitrary and hostile input: it returns scenarios or problems that
 * name the file and a field, never throws, and never accepts a scenario without steps.
 */

const runs = { numRuns: 300, seed: 20261124 };
const stepNames = STEP_KINDS.map((kind) => kind.name);

const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('${login.code}', '${', '}', '&anchor', '*alias', '!!binary AAAA', '\u0000', '../../etc/passwd'),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...stepNames, 'expect', 'as', 'name', 'status', 'user', 'client')), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;
const step = fc.oneof(
  value,
  fc.record({ kind: fc.constantFrom(...stepNames), args: value }).map(({ kind, args }) => ({ [kind]: args })),
);
const scenarioLike = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 30 }), scalar),
    tags: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), scalar),
    target: fc.oneof(fc.constantFrom('authenticator', 'aws-sts', 'nope'), value),
    idp: value,
    steps: fc.oneof(fc.array(step, { maxLength: 5 }), scalar),
    extra: value,
  },
  { requiredKeys: [] },
);

function checkShape(result: Awaited<ReturnType<typeof parseScenarioText>>): void {
  for (const problem of result.problems) {
    expect(problem.file).toBe('fuzz.yaml');
    expect(typeof problem.field).toBe('string');
    expect(problem.message.length).toBeGreaterThan(0);
  }
  for (const scenario of result.scenarios) expect(scenario.steps.length).toBeGreaterThan(0);
  expect(result.scenarios.length + result.problems.length).toBeGreaterThan(0);
}

describe('fuzzing the scenario parser (fast-check)', () => {
  it('turns arbitrary text into scenarios or named problems, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), async (text) => checkShape(await parseScenarioText(text, 'fuzz.yaml'))),
      runs,
    );
  });

  it('turns arbitrary scenario-shaped YAML into scenarios or problems that name the field', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioLike, async (input) => checkShape(await parseScenarioText(stringify(input), 'fuzz.yaml'))),
      runs,
    );
  });

  it('refuses a YAML alias bomb with a problem instead of expanding it', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
      'name: bomb',
      'steps: [{ set: { x: *i } }]',
    ].join('\n');
    const result = await parseScenarioText(bomb, 'fuzz.yaml');
    expect(result.scenarios).toEqual([]);
    expect(result.problems.length).toBeGreaterThan(0);
  });
});
