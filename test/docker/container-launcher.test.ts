import { beforeAll, describe, expect, it } from 'vitest';
import { freePort, runScenarios, scenario } from '../harness/support/scenarios.ts';
import { projectImage } from '../support/docker.ts';

let IMAGE: string;

const LOGIN = `
name: the authenticator in a container turns a code into claims
target: authenticator
steps:
  - login: { user: alice }
  - call: authenticator.login
    expect: { status: 200, json: { claims: { sub: alice } } }
`;

const REPLAY = `
name: the authenticator in a container refuses a replayed code
target: authenticator
steps:
  - login: { user: bob }
  - call: authenticator.login
    expect: { status: 200 }
  - call: authenticator.login
    expect: { status: 401 }
`;

beforeAll(async () => {
  IMAGE = await projectImage();
}, 300_000);

describe('container launcher', () => {
  it('starts the target from an image on the host network with the issuer and client filled in, and runs its scenarios', async () => {
    const image = `${IMAGE} component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port}`;
    const result = await runScenarios(
      { 'login.yaml': LOGIN, 'replay.yaml': REPLAY },
      { targets: [{ name: 'authenticator', image }], idpPort: await freePort(), readyTimeoutMs: 30_000 },
    );
    expect(result.targets['authenticator']).toContain(`container: ${IMAGE}`);
    expect(result.scenarios.map((entry) => [entry.name, entry.status, entry.failure?.message])).toEqual([
      ['the authenticator in a container turns a code into claims', 'passed', undefined],
      ['the authenticator in a container refuses a replayed code', 'passed', undefined],
    ]);
  }, 90_000);

  it('starts a container of its own, with its issuer and a port of its own, for a scenario with a provider profile, next to the one for the run', async () => {
    const image = `${IMAGE} component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port}`;
    const google = LOGIN.replace('target: authenticator', 'target: authenticator\nidp: { profile: google }')
      .replace('turns a code into claims', 'logs in at a Google-shaped IdP')
      .replace('claims: { sub: alice }', 'claims: { sub: { type: string } }');
    const result = await runScenarios(
      { 'login.yaml': LOGIN, 'google.yaml': google },
      { targets: [{ name: 'authenticator', image }], idpPort: await freePort(), readyTimeoutMs: 30_000 },
    );
    expect(result.scenarios.map((entry) => [entry.name, entry.status, entry.failure?.message])).toEqual([
      ['the authenticator in a container logs in at a Google-shaped IdP', 'passed', undefined],
      ['the authenticator in a container turns a code into claims', 'passed', undefined],
    ]);
    const [own, shared] = result.scenarios.map((entry) => entry.targetDescription ?? '');
    expect(own).toMatch(
      new RegExp(`^authenticator: container ${IMAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\([0-9a-f]{12}\\) at http://127\\.0\\.0\\.1:\\d+$`),
    );
    expect(shared).toBe(result.targets['authenticator']!.replace(/^container: /, ''));
  }, 120_000);

  it('reports a missing image as a launch failure that says to build or pull it', async () => {
    const result = await runScenarios(
      { 'login.yaml': LOGIN },
      { targets: [{ name: 'authenticator', image: 'mockidp-no-such-image:never' }], idpPort: await freePort(), readyTimeoutMs: 30_000 },
    );
    const failed = scenario(result, 'the authenticator in a container turns a code into claims');
    expect(failed.failure?.kind).toBe('launch');
    expect(failed.failure?.message).toMatch(/mockidp-no-such-image:never/);
  }, 90_000);

  it('reports a container that exits before it is ready with its last log lines', async () => {
    const image = `${IMAGE} component authenticator --client-id x`;
    const result = await runScenarios(
      { 'login.yaml': LOGIN },
      { targets: [{ name: 'authenticator', image }], idpPort: await freePort(), readyTimeoutMs: 30_000 },
    );
    const failed = scenario(result, 'the authenticator in a container turns a code into claims');
    expect(failed.failure?.kind).toBe('launch');
    expect(failed.failure?.message).toMatch(/exited before it was ready/);
    expect(failed.failure?.message).toMatch(/issuer/);
  }, 90_000);
});
