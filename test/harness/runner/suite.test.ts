import { describe, expect, it } from 'vitest';
import { AUTHENTICATOR_REPLAY, runScenarios, scenario } from '../support/scenarios.ts';

const LOGIN_PASSES = `
name: alice logs in and gets an ID token for demo
steps:
  - login: { user: alice, client: demo }
    expect: { status: 200, claims: { tokens.id_token: { sub: alice, aud: demo } } }
`;

const LOGIN_EXPECTS_WRONG_SUB = `
name: a scenario whose expectation is wrong
steps:
  - login: { user: alice, client: demo }
    expect: { claims: { tokens.id_token: { sub: mallory } } }
`;

describe('runSuite', () => {
  it('reports a scenario whose expectations hold as passed, with every step passed', async () => {
    const result = await runScenarios({ 'ok.yaml': LOGIN_PASSES });
    const ok = scenario(result, 'alice logs in and gets an ID token for demo');
    expect(ok.status).toBe('passed');
    expect(ok.steps.map((step) => step.status)).toEqual(['passed']);
    expect(result.summary).toEqual({ total: 1, passed: 1, failed: 0, skipped: 0, skippedBy: {} });
  });

  it('reports a failed expectation with the step, the expected and actual values, and the IdP journal', async () => {
    const result = await runScenarios({ 'wrong.yaml': LOGIN_EXPECTS_WRONG_SUB });
    const failed = scenario(result, 'a scenario whose expectation is wrong');
    expect(failed.status).toBe('failed');
    expect(failed.failure?.kind).toBe('assertion');
    expect(failed.failure?.step).toMatchObject({ index: 0, kind: 'login', line: 4 });
    const mismatch = failed.failure?.mismatches?.find((candidate) => candidate.path.endsWith('sub'));
    expect(mismatch).toMatchObject({ expected: 'mallory', actual: 'alice' });
    expect(failed.failure?.journal?.some((line) => line.endpoint === 'token' && line.status === 200)).toBe(true);
  });

  it('turns a file with broken YAML into one failed result naming the file and line, and still runs the others', async () => {
    const result = await runScenarios({ 'ok.yaml': LOGIN_PASSES, 'broken.yaml': 'name: broken\nsteps:\n  - login: { user: alice\n' });
    const broken = result.scenarios.find((candidate) => candidate.file.endsWith('broken.yaml'));
    expect(broken?.status).toBe('failed');
    expect(broken?.failure?.kind).toBe('invalid');
    expect(broken?.failure?.message).toMatch(/broken\.yaml:\d+/);
    expect(scenario(result, 'alice logs in and gets an ID token for demo').status).toBe('passed');
  });

  it('refuses an unknown step kind with a suggestion before running anything', async () => {
    const result = await runScenarios({ 'typo.yaml': 'name: typo\nsteps:\n  - logn: { user: alice }\n' });
    expect(result.scenarios[0]?.failure?.kind).toBe('invalid');
    expect(result.scenarios[0]?.failure?.message).toMatch(/unknown step "logn" \(did you mean "login"\?\)/);
  });

  it('ends a scenario at its time limit and reports a timeout instead of hanging', async () => {
    const hangs = `
name: a step that waits longer than the scenario may take
timeout: 400ms
steps:
  - wait_until:
      timeout: 30s
      step: { call: { http: { url: /.well-known/openid-configuration }, to: idp }, expect: { status: 418 } }
`;
    const started = performance.now();
    const result = await runScenarios({ 'hang.yaml': hangs });
    const timedOut = scenario(result, 'a step that waits longer than the scenario may take');
    expect(timedOut.status).toBe('failed');
    expect(timedOut.failure?.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('gives each scenario its own tenant, so parallel scenarios never see each other in the journal', async () => {
    const counts = (user: string) => `
name: ${user} sees only the requests of this scenario
steps:
  - login: { user: ${user}, client: demo }
  - journal: { where: { endpoint: token }, count: 1 }
`;
    const result = await runScenarios({ 'a.yaml': counts('alice'), 'b.yaml': counts('bob'), 'c.yaml': counts('carol') }, { concurrency: 3 });
    expect(result.scenarios.map((entry) => [entry.name, entry.status, entry.failure?.message])).toEqual(
      ['alice', 'bob', 'carol'].map((user) => [`${user} sees only the requests of this scenario`, 'passed', undefined]),
    );
  });

  it('selects scenarios by --grep and --tag', async () => {
    const tagged = (name: string, tag: string) =>
      `name: ${name}\ntags: [${tag}]\nsteps:\n  - client_credentials: { client: service }\n    expect: { status: 200 }\n`;
    const files = { 'a.yaml': tagged('first scenario', 'red'), 'b.yaml': tagged('second scenario', 'blue'), 'c.yaml': tagged('third scenario', 'red') };
    const byTag = await runScenarios(files, { tags: ['red'] });
    expect(byTag.scenarios.map((entry) => entry.name).sort()).toEqual(['first scenario', 'third scenario']);
    const byGrep = await runScenarios(files, { grep: 'second' });
    expect(byGrep.scenarios.map((entry) => entry.name)).toEqual(['second scenario']);
  });

  it('splits scenarios into disjoint shards that together cover the suite', async () => {
    const files = Object.fromEntries(
      ['one', 'two', 'three', 'four', 'five'].map((name) => [`${name}.yaml`, `name: ${name}\nsteps:\n  - client_credentials: { client: service }\n`]),
    );
    const first = await runScenarios(files, { shard: { index: 1, total: 2 } });
    const second = await runScenarios(files, { shard: { index: 2, total: 2 } });
    const names = [...first.scenarios, ...second.scenarios].map((entry) => entry.name).sort();
    expect(names).toEqual(['five', 'four', 'one', 'three', 'two']);
    expect(first.scenarios.length).toBeGreaterThan(0);
    expect(second.scenarios.length).toBeGreaterThan(0);
  });

  it('with --bail, skips the scenarios not yet started after the first failure', async () => {
    const files = {
      'a.yaml': LOGIN_EXPECTS_WRONG_SUB,
      ...Object.fromEntries(['b', 'c', 'd'].map((name) => [`${name}.yaml`, `name: later ${name}\nsteps:\n  - client_credentials: { client: service }\n`])),
    };
    const result = await runScenarios(files, { bail: true, concurrency: 1 });
    expect(scenario(result, 'a scenario whose expectation is wrong').status).toBe('failed');
    const later = result.scenarios.filter((entry) => entry.name.startsWith('later'));
    expect(later.every((entry) => entry.status === 'skipped' && /--bail/.test(entry.skipReason ?? ''))).toBe(true);
  });

  it('runs exclusive scenarios after the parallel ones, one at a time', async () => {
    const exclusive = (name: string) => `name: ${name}\nexclusive: true\nsteps:\n  - client_credentials: { client: service }\n`;
    const order: string[] = [];
    const result = await runScenarios(
      {
        'x.yaml': exclusive('exclusive one'),
        'y.yaml': exclusive('exclusive two'),
        'p.yaml': 'name: parallel\nsteps:\n  - client_credentials: { client: service }\n',
      },
      {
        onEvent: (event) => {
          if (event.type === 'scenario-start') order.push(`start ${event.scenario.name}`);
          if (event.type === 'scenario-end') order.push(`end ${event.result.name}`);
        },
      },
    );
    expect(result.summary.passed).toBe(3);
    expect(order.indexOf('end parallel')).toBeLessThan(order.indexOf('start exclusive one'));
    expect(order.indexOf('end exclusive one')).toBeLessThan(order.indexOf('start exclusive two'));
  });

  it('fails a scenario against a flawed reference component and names the flaw in the result', async () => {
    const clean = await runScenarios({ 'reuse.yaml': AUTHENTICATOR_REPLAY });
    expect(clean.scenarios[0]?.status).toBe('passed');
    const flawed = await runScenarios({ 'reuse.yaml': AUTHENTICATOR_REPLAY }, { flaw: 'accept-reused-code' });
    expect(flawed.flaw).toBe('accept-reused-code');
    expect(flawed.scenarios[0]?.status).toBe('failed');
    expect(flawed.scenarios[0]?.failure?.step?.index).toBe(2);
  });

  it('refuses an unknown flaw before starting, listing the known ones', async () => {
    await expect(runScenarios({ 'ok.yaml': LOGIN_PASSES }, { flaw: 'no-such-flaw' })).rejects.toThrow(/unknown flaw "no-such-flaw"; flaws: .*skip-aud-check/);
  });

  it('gives target operations the latest login as default even when the login was saved under another name', async () => {
    const named = `
name: a login saved as first still feeds the authenticator call
target: authenticator
steps:
  - login: { user: alice }
    as: first
  - call: authenticator.login
    expect: { status: 200, json: { claims: { sub: alice } } }
`;
    const result = await runScenarios({ 'named.yaml': named });
    expect(result.scenarios[0]?.failure?.message).toBeUndefined();
  });

  it('restarts the IdP between steps for a scenario that asks, running it alone', async () => {
    const restart = `
name: logins before and after an IdP restart with new keys
target: authenticator
steps:
  - login: { user: alice }
  - call: authenticator.login
    expect: { status: 200 }
  - restart_idp: { downtime: 100ms, newKeys: true }
  - login: { user: bob }
  - call: authenticator.login
    expect: { status: 200, json: { claims: { sub: bob } } }
`;
    const files = {
      'restart.yaml': restart,
      'other.yaml': 'name: a parallel scenario\nsteps:\n  - client_credentials: { client: service }\n    expect: { status: 200 }\n',
    };
    const order: string[] = [];
    const onEvent = (event: { type: string; scenario?: { name: string }; result?: { name: string } }) => {
      if (event.type === 'scenario-start') order.push(`start ${event.scenario!.name}`);
      if (event.type === 'scenario-end') order.push(`end ${event.result!.name}`);
    };
    const clean = await runScenarios(files, { onEvent });
    expect(clean.scenarios.map((entry) => [entry.status, entry.failure?.message])).toEqual([
      ['passed', undefined],
      ['passed', undefined],
    ]);
    expect(order.indexOf('end a parallel scenario')).toBeLessThan(order.indexOf('start logins before and after an IdP restart with new keys'));
    const flawed = await runScenarios({ 'restart.yaml': restart }, { flaw: 'never-refetch-jwks' });
    expect(flawed.scenarios[0]?.status).toBe('failed');
    expect(flawed.scenarios[0]?.failure?.step?.index).toBe(4);
  });

  it('compares two variables in an assert step, and fails when they differ', async () => {
    const compare = (operator: string) => `
name: two client credentials tokens compared with ${operator}
steps:
  - client_credentials: { client: service }
    as: first
  - client_credentials: { client: service }
    as: second
  - assert: { "second.json.access_token": { ${operator}: "\${first.json.access_token}" } }
`;
    const result = await runScenarios({ 'ne.yaml': compare('ne'), 'eq.yaml': compare('eq') });
    expect(scenario(result, 'two client credentials tokens compared with ne').status).toBe('passed');
    expect(scenario(result, 'two client credentials tokens compared with eq').status).toBe('failed');
  });
});
