import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../harness/scenario/load.ts';
import { scenarioDir } from '../support/scenarios.ts';
import { loadScenarioFile } from '../../../harness/scenario/load.ts';
import { join } from 'node:path';
import { symlink } from 'node:fs/promises';
import { loadScenarios } from '../../../harness/scenario/load.ts';

const load = (text: string) => parseScenarioText(text, 'scenarios/example.yaml');

describe('scenario loading', () => {
  it('loads a scenario with its steps, tags and target', async () => {
    const { scenarios, problems } = await load(
      `name: works\ntags: [a, b]\ntarget: authenticator\nsteps:\n  - login: { user: alice }\n  - call: authenticator.login\n    expect: { status: 200 }\n`,
    );
    expect(problems).toEqual([]);
    expect(scenarios[0]).toMatchObject({ id: 'scenarios/example', name: 'works', tags: ['a', 'b'], target: { name: 'authenticator' } });
    expect(scenarios[0]!.steps.map((step) => [step.kind, step.line])).toEqual([
      ['login', 5],
      ['call', 6],
    ]);
  });

  it('reports broken YAML with the file and the line', async () => {
    const { problems } = await load('name: broken\nsteps:\n  - login: { user: alice\n');
    expect(problems[0]).toMatchObject({ file: 'scenarios/example.yaml', field: '(syntax)' });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('reports an unknown step with its line and a suggestion', async () => {
    const { problems } = await load('name: typo\nsteps:\n  - login: { user: alice }\n  - logn: { user: bob }\n');
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'steps[1].logn',
        line: 4,
        message: expect.stringMatching(/unknown step "logn" \(did you mean "login"\?\); steps are login, device_login/),
      }),
    ]);
  });

  it('reports a field of the wrong type with its path and line', async () => {
    const { problems } = await load('name: types\nsteps:\n  - login:\n      user: alice\n      fresh: "yes"\n');
    expect(problems).toEqual([expect.objectContaining({ field: 'steps[0].login.fresh', line: 5, message: expect.stringContaining('expected boolean') })]);
  });

  it('reports an unknown field of a step where it is written', async () => {
    const { problems } = await load('name: unknown field\nsteps:\n  - login:\n      user: alice\n      pasword: x\n');
    expect(problems).toEqual([
      expect.objectContaining({ field: 'steps[0].login.pasword', line: 5, message: expect.stringContaining('unknown field "pasword"') }),
    ]);
  });

  it('reports a missing required field of the scenario', async () => {
    const { problems } = await load('steps:\n  - login: { user: alice }\n');
    expect(problems).toEqual([expect.objectContaining({ field: 'name', message: expect.stringContaining('missing required field') })]);
  });

  it('reports an operation the target does not have, listing the ones it has', async () => {
    const { problems } = await load('name: op\ntarget: authenticator\nsteps:\n  - call: authenticator.logn\n');
    expect(problems[0]).toMatchObject({
      field: 'steps[0].call',
      line: 4,
      message: expect.stringContaining('authenticator has no operation "logn"; its operations: login, principal_login, healthcheck'),
    });
  });

  it("reports a call to another target than the scenario's", async () => {
    const { problems } = await load('name: op\ntarget: authenticator\nsteps:\n  - call: aws-sts.assume_role\n');
    expect(problems[0]!.message).toContain("this scenario's target is authenticator");
  });

  it('reports a wait_until without an expectation to wait for', async () => {
    const { problems } = await load('name: wait\nsteps:\n  - wait_until: { step: { journal: {} } }\n');
    expect(problems[0]).toMatchObject({ field: 'steps[0].wait_until.step.expect', message: expect.stringContaining('needs an "expect"') });
  });

  it('reads several scenarios from one file, one per YAML document', async () => {
    const { scenarios } = await load('name: first\nsteps: [{ set: { a: 1 } }]\n---\nname: second\nsteps: [{ set: { b: 2 } }]\n');
    expect(scenarios.map((s) => [s.id, s.name])).toEqual([
      ['scenarios/example', 'first'],
      ['scenarios/example#2', 'second'],
    ]);
  });

  it('merges included set-up files under the scenario, the scenario winning', async () => {
    const dir = await scenarioDir({
      '_shared.yaml': 'tags: [shared]\nidp: { users: [alice, bob], ttl: { idToken: 60 } }\n',
      'uses.yaml': 'name: includes\ninclude: _shared.yaml\ntags: [own]\nidp: { users: [carol] }\nsteps: [{ set: { a: 1 } }]\n',
    });
    const { scenarios, problems } = await loadScenarioFile(join(dir, 'uses.yaml'));
    expect(problems).toEqual([]);
    expect(scenarios[0]).toMatchObject({ tags: ['shared', 'own'], idp: { users: ['carol'], ttl: { idToken: 60 } } });
  });

  it('names an include that cannot be read', async () => {
    const { problems } = await load('name: x\ninclude: nowhere.yaml\nsteps: [{ set: { a: 1 } }]\n');
    expect(problems[0]).toMatchObject({ field: 'include', line: 2, message: expect.stringContaining('cannot read the include "nowhere.yaml"') });
  });

  it('refuses an include outside the scenario folder, without reading it', async () => {
    const outside = await scenarioDir({ 'secret.yaml': 'idp: { users: [root] }\n' });
    const dir = await scenarioDir({ 'suite/sneaky.yaml': `name: sneaky\ninclude: ${join(outside, 'secret.yaml')}\nsteps: [{ set: { a: 1 } }]\n` });
    const { problems } = await loadScenarios([join(dir, 'suite')]);
    expect(problems[0]).toMatchObject({ field: 'include', message: expect.stringContaining('is outside the scenario folder') });
  });

  it('refuses an include that climbs out of the scenario folder with ..', async () => {
    const dir = await scenarioDir({
      '_outside.yaml': 'tags: [x]\n',
      'suite/climb.yaml': 'name: climb\ninclude: ../_outside.yaml\nsteps: [{ set: { a: 1 } }]\n',
    });
    const { problems } = await loadScenarios([join(dir, 'suite')]);
    expect(problems[0]?.message).toContain('is outside the scenario folder');
  });

  it('refuses a symbolic link inside the folder that points outside it', async () => {
    const outside = await scenarioDir({ 'secret.yaml': 'tags: [x]\n' });
    const dir = await scenarioDir({ 'suite/linked.yaml': 'name: linked\ninclude: _link.yaml\nsteps: [{ set: { a: 1 } }]\n' });
    await symlink(join(outside, 'secret.yaml'), join(dir, 'suite', '_link.yaml'));
    const { problems } = await loadScenarios([join(dir, 'suite')]);
    expect(problems[0]?.message).toContain('is outside the scenario folder');
  });

  it('allows an include in a sibling folder of the suite given to the runner', async () => {
    const dir = await scenarioDir({
      'shared/_idp.yaml': 'tags: [shared]\n',
      'login/uses.yaml': 'name: sibling\ninclude: ../shared/_idp.yaml\nsteps: [{ set: { a: 1 } }]\n',
    });
    const { scenarios, problems } = await loadScenarios([dir]);
    expect(problems).toEqual([]);
    expect(scenarios[0]?.tags).toEqual(['shared']);
  });
});
