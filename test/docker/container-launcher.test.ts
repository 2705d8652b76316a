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
    const result = await runScenarios({ 'login.yaml': LOGIN, 'replay.yaml': REPLAY }, { targets: [{ name: 'authenticator', image }], idpPort: await freePort(), readyTimeoutMs: 30_000 });
    expect(result.targets['authenticator']).toContain(`container: ${IMAGE}`);
    expect(result.scenarios.map((entry) => [entry.name, entry.status, entry.failure?.message])).toEqual([
      ['the authenticator in a container turns a code into claims', 'passed', undefined],
      ['the authenticator in a container refuses a replayed code', 'passed', undefined],
    ]);
  }, 90_000);

  it('reports a missing image as a launch failure that says to build or pull it', async () => {
    const result = await runScenarios({ 'login.yaml': LOGIN }, { targets: [{ name: 'authenticator', image: 'mockidp-no-such-image:never' }], idpPort: await freePort(), readyTimeoutMs: 30_000 });
    const failed = scenario(result, 'the authenticator in a container turns a code into claims');
    expect(failed.failure?.kind).toBe('launch');
    expect(failed.failure?.message).toMatch(/mockidp-no-such-image:never/);
  }, 90_000);

  it('reports a container that exits before it is ready with its last log lines', async () => {
    const image = `${IMAGE} component authenticator --client-id x`;
    const result = await runScenarios({ 'login.yaml': LOGIN }, { targets: [{ name: 'authenticator', image }], idpPort: await freePort(), readyTimeoutMs: 30_000 });
    const failed = scenario(result, 'the authenticator in a container turns a code into claims');
    expect(failed.failure?.kind).toBe('launch');
    expect(failed.failure?.message).toMatch(/exited before it was ready/);
    expect(failed.failure?.message).toMatch(/issuer/);
  }, 90_000);
});
