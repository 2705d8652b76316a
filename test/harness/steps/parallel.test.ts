import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../harness/scenario/load.ts';
import { runScenarios, scenario } from '../support/scenarios.ts';

/*
 * The parallel step: nested steps start together, and the step's expect judges their outcomes
 * (statuses in step order, status_counts, outcomes). Real IdP and reference authenticator.
 */

const load = (text: string) => parseScenarioText(text, 'scenarios/parallel.yaml');

const RACE = `
name: one code redeemed three times at once
target: authenticator
steps:
  - login: { user: alice }
  - parallel:
      steps:
        - call: authenticator.login
        - call: authenticator.login
        - call: authenticator.login
    as: race
    expect: { value: { statuses: { length: 3 }, status_counts: { "200": 1, "401": 2 } } }
  - assert: { "race.outcomes": { any: { status: 200, json: { claims: { sub: alice } } } } }
`;

const WRONG_COUNT = `
name: a parallel expectation that does not hold
target: authenticator
steps:
  - login: { user: bob }
  - parallel:
      steps:
        - call: authenticator.login
        - call: authenticator.login
    expect: { value: { status_counts: { "200": 2 } } }
`;

const NESTED_FAILURE = `
name: a nested step that fails on its own
steps:
  - parallel:
      steps:
        - login: { user: alice, client: demo }
        - login: { user: alice, client: demo, pkce: none }
`;

describe('the parallel step', () => {
  it('runs its steps together and exposes statuses, counts and outcomes to its expect', async () => {
    const result = await runScenarios({ 'race.yaml': RACE, 'wrong.yaml': WRONG_COUNT, 'nested.yaml': NESTED_FAILURE });
    expect(scenario(result, 'one code redeemed three times at once')).toMatchObject({ status: 'passed' });
    const wrong = scenario(result, 'a parallel expectation that does not hold');
    expect(wrong.status).toBe('failed');
    expect(wrong.failure?.message).toMatch(/status_counts/);
    const nested = scenario(result, 'a nested step that fails on its own');
    expect(nested.status).toBe('failed');
    expect(nested.failure?.message).toMatch(/steps\.1 \(login\).*invalid_request/);
  }, 60_000);

  it('refuses an expect on a nested step, naming the field', async () => {
    const { problems } = await load(
      'name: p\nsteps:\n  - parallel:\n      steps:\n        - journal: {}\n          expect: { count: 1 }\n        - journal: {}\n',
    );
    expect(problems).toEqual([
      expect.objectContaining({
        field: expect.stringMatching(/^steps\[0\]\.parallel\.steps.*0.*\.expect$/),
        line: 6,
        message: expect.stringContaining('no expect of their own'),
      }),
    ]);
  });

  it('refuses steps that cannot run inside it, and fewer than two steps', async () => {
    const nested = await load('name: p\nsteps:\n  - parallel:\n      steps:\n        - restart_idp: {}\n        - journal: {}\n');
    expect(nested.problems).toEqual([expect.objectContaining({ message: expect.stringContaining('restart_idp cannot run inside parallel') })]);
    const single = await load('name: p\nsteps:\n  - parallel:\n      steps:\n        - journal: {}\n');
    expect(single.problems[0]).toMatchObject({ field: expect.stringContaining('parallel.steps') });
  });
});
