import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coverageOf, tagProblems } from '../../../harness/conformance/coverage.ts';
import { OFFICIAL_PROFILES, OFFICIAL_TESTS } from '../../../harness/conformance/official-tests.ts';
import { loadScenarios } from '../../../harness/scenario/load.ts';
import { scenarioDir } from '../support/scenarios.ts';

const SCENARIOS = fileURLToPath(new URL('../../../scenarios', import.meta.url));

const tagged = (name: string, tags: string[]) =>
  `name: ${name}\ntags: [${tags.join(', ')}]\ntarget: web-rp\nsteps:\n  - call: { op: web-rp.login, with: { user: alice } }\n`;

describe('coverage of the OpenID RP certification tests', () => {
  it('finds in the built-in suite only tags that name a real code-flow test, each with its module name and old id together', async () => {
    const { scenarios } = await loadScenarios([SCENARIOS]);
    expect(tagProblems(scenarios)).toEqual([]);
  });

  it('lists every module of every profile among the official tests', () => {
    const modules = new Set(OFFICIAL_TESTS.map((test) => test.module));
    expect(OFFICIAL_PROFILES.flatMap((profile) => profile.modules).filter((module) => !modules.has(module))).toEqual([]);
  });

  it('counts a scenario tagged form-post for the Form Post profile only, and the others for Basic only', async () => {
    const dir = await scenarioDir({
      'plain.yaml': tagged('plain', ['oidcc-client-test-invalid-iss', 'rp-id_token-issuer-mismatch']),
      'form.yaml': tagged('posted', ['oidcc-client-test-invalid-iss', 'rp-id_token-issuer-mismatch', 'form-post']),
    });
    const coverage = coverageOf((await loadScenarios([dir])).scenarios);
    const names = (profile: string) =>
      coverage
        .find((entry) => entry.profile.name === profile)!
        .tests.find((test) => test.module === 'oidcc-client-test-invalid-iss')!
        .scenarios.map((scenario) => scenario.name);
    expect(names('Basic RP')).toEqual(['plain']);
    expect(names('Form Post RP')).toEqual(['posted']);
    expect(coverage.find((entry) => entry.profile.name === 'Basic RP')!.covered).toBe(1);
  });

  it('reports a module tag without its old id, and an old id that belongs to no code-flow test', async () => {
    const dir = await scenarioDir({ 'a.yaml': tagged('a', ['oidcc-client-test-invalid-iss']), 'b.yaml': tagged('b', ['rp-id_token-sig-es256']) });
    const problems = tagProblems((await loadScenarios([dir])).scenarios);
    expect(problems).toEqual([
      expect.stringMatching(/a\.yaml: "oidcc-client-test-invalid-iss" without its legacy id "rp-id_token-issuer-mismatch"/),
      expect.stringMatching(/b\.yaml: "rp-id_token-sig-es256" is no legacy id of a code-flow test/),
    ]);
  });
});
