import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../harness/scenario/load.ts';
import { runScenarios, scenario } from '../support/scenarios.ts';

/*
 * A scenario's tenant signs with the suite's keys (generated once per run) unless the scenario asks
 * for keys of its own: an `idp:` block about something else (users, ttl, faults) must not give the
 * tenant fresh keys, or a long-lived external target sees a new kid in every scenario.
 */

const load = (text: string) => parseScenarioText(text, 'scenarios/keys.yaml');

describe('scenario signing keys', () => {
  it('leaves idp.keys unset when the idp block does not name keys', async () => {
    const { scenarios, problems } = await load('name: k\nidp: { users: [alice], ttl: { idToken: 600 } }\nsteps:\n  - journal: {}\n');
    expect(problems).toEqual([]);
    expect(scenarios[0]!.idp.keys).toBeUndefined();
  });

  it('signs with the suite keys in a scenario with an idp block, and with its own keys when it asks for them', async () => {
    const result = await runScenarios({
      'suite.yaml': `
name: an idp block without keys
idp: { users: [alice], ttl: { idToken: 600 } }
steps:
  - login: { user: alice, client: web }
    expect: { status: 200, value: { tokens.id_token: { jwtHeader: { kid: { startsWith: "suite-rs256-" } } } } }
`,
      'other.yaml': `
name: another issuer without keys
idp: { others: { evil: {} } }
steps:
  - admin: { mint: { type: id_token, user: alice, client: web }, tenant: evil }
    expect: { value: { header: { kid: { startsWith: "other-rs256-" } } } }
`,
      'own.yaml': `
name: keys of its own
idp: { keys: [{ alg: RS256 }] }
steps:
  - login: { user: alice, client: web }
    expect: { status: 200, value: { tokens.id_token: { jwtHeader: { kid: { not: { startsWith: "suite-" } } } } } }
`,
    });
    for (const name of ['an idp block without keys', 'another issuer without keys', 'keys of its own']) {
      expect(scenario(result, name), name).toMatchObject({ status: 'passed' });
    }
  }, 60_000);
});
