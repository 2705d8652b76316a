import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startAuthenticator, type RunningComponent } from '../../../components/index.ts';
import { AUTHENTICATOR_LOGIN as LOGIN, AUTHENTICATOR_REPLAY as REPLAY, freePort, runScenarios, scenario } from '../support/scenarios.ts';

const MOCKIDP = fileURLToPath(new URL('../../../harness/cli/bin.ts', import.meta.url));
const NODE = process.execPath;

const IDP_ONLY = `
name: a scenario of the IdP alone
steps:
  - client_credentials: { client: service }
    expect: { status: 200 }
`;

const running: RunningComponent[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((component) => component.close()));
});

describe('url launcher', () => {
  it('runs the scenarios of a target that is already running, configured with the suite IdP issuer and client', async () => {
    const idpPort = await freePort();
    const authenticator = await startAuthenticator({
      issuer: `http://127.0.0.1:${idpPort}/default`,
      clientId: 'my-lakefs',
      clientSecret: 'my-secret',
      logLevel: 'silent',
    });
    running.push(authenticator);
    const result = await runScenarios(
      { 'login.yaml': LOGIN, 'replay.yaml': REPLAY, 'idp.yaml': IDP_ONLY },
      { targets: [{ name: 'authenticator', url: authenticator.url }], targetClients: { authenticator: { id: 'my-lakefs', secret: 'my-secret' } }, idpPort },
    );
    expect(result.targets['authenticator']).toBe(`url: ${authenticator.url}`);
    expect(result.scenarios.map((entry) => [entry.name, entry.status, entry.failure?.message])).toEqual([
      ['the authenticator turns a code into claims', 'passed', undefined],
      ['the authenticator refuses a replayed code', 'passed', undefined],
    ]);
  });

  it('reports every scenario of an unreachable target as a launch failure that names the URL', async () => {
    const idpPort = await freePort();
    const deadPort = await freePort();
    const result = await runScenarios(
      { 'login.yaml': LOGIN },
      { targets: [{ name: 'authenticator', url: `http://127.0.0.1:${deadPort}` }], idpPort, readyTimeoutMs: 1_000 },
    );
    const failed = scenario(result, 'the authenticator turns a code into claims');
    expect(failed.status).toBe('failed');
    expect(failed.failure?.kind).toBe('launch');
    expect(failed.failure?.message).toContain(`127.0.0.1:${deadPort}`);
  });
});

describe('external targets and provider profiles', () => {
  it('skips, with the reason, a scenario that gives the IdP a provider profile', async () => {
    const idpPort = await freePort();
    const authenticator = await startAuthenticator({
      issuer: `http://127.0.0.1:${idpPort}/default`,
      clientId: 'lakefs',
      clientSecret: 'lakefs-secret',
      logLevel: 'silent',
    });
    running.push(authenticator);
    const profiled = LOGIN.replace('target: authenticator', 'target: authenticator\nidp: { profile: entra }').replace(
      'name: the authenticator turns a code into claims',
      'name: an Entra-shaped login',
    );
    const result = await runScenarios(
      { 'profiled.yaml': profiled, 'plain.yaml': LOGIN },
      { targets: [{ name: 'authenticator', url: authenticator.url }], idpPort },
    );
    expect(scenario(result, 'an Entra-shaped login')).toMatchObject({ status: 'skipped', skipReason: expect.stringContaining('shape of entra') });
    expect(scenario(result, 'the authenticator turns a code into claims').status).toBe('passed');
  });

  it('skips, with the reason and the hint to let the runner start it, a scenario tagged fresh-target at a URL', async () => {
    const idpPort = await freePort();
    const authenticator = await startAuthenticator({
      issuer: `http://127.0.0.1:${idpPort}/default`,
      clientId: 'lakefs',
      clientSecret: 'lakefs-secret',
      logLevel: 'silent',
    });
    running.push(authenticator);
    const fresh = 'name: a scenario for fresh targets\ntags: [fresh-target]\ntarget: authenticator\nsteps:\n  - call: authenticator.healthcheck\n';
    const result = await runScenarios({ 'fresh.yaml': fresh }, { targets: [{ name: 'authenticator', url: authenticator.url }], idpPort });
    expect(result.scenarios[0]).toMatchObject({ status: 'skipped', skipKind: 'fresh-target', skipReason: expect.stringContaining('--target-command') });
  });
});

describe('process launcher', () => {
  it('starts the target from a command with the issuer and client placeholders, waits until it is ready, and stops it after the run', async () => {
    const idpPort = await freePort();
    const command = `${NODE} ${MOCKIDP} component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port}`;
    const result = await runScenarios({ 'login.yaml': LOGIN, 'replay.yaml': REPLAY }, { targets: [{ name: 'authenticator', command }], idpPort });
    expect(result.scenarios.map((entry) => [entry.status, entry.failure?.message])).toEqual([
      ['passed', undefined],
      ['passed', undefined],
    ]);
  });

  it('reports a command that exits before it is ready as a launch failure with its exit code and last output lines', async () => {
    const idpPort = await freePort();
    const command = `${NODE} -e "console.error('config file /etc/authn.yaml not found'); process.exit(3)"`;
    const started = performance.now();
    const result = await runScenarios(
      { 'login.yaml': LOGIN, 'idp.yaml': IDP_ONLY },
      { targets: [{ name: 'authenticator', command }], idpPort, readyTimeoutMs: 5_000 },
    );
    const failed = scenario(result, 'the authenticator turns a code into claims');
    expect(failed.failure?.kind).toBe('launch');
    expect(failed.failure?.message).toMatch(/exit(ed)? .*3/);
    expect(failed.failure?.message).toContain('config file /etc/authn.yaml not found');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('gives up on a command that never becomes ready after the ready timeout, and says so', async () => {
    const idpPort = await freePort();
    const command = `${NODE} -e "setInterval(() => {}, 1000)"`;
    const result = await runScenarios({ 'login.yaml': LOGIN }, { targets: [{ name: 'authenticator', command }], idpPort, readyTimeoutMs: 800 });
    const failed = scenario(result, 'the authenticator turns a code into claims');
    expect(failed.failure?.kind).toBe('launch');
    expect(failed.failure?.message).toMatch(/not ready|ready/i);
  });
});

describe('a target that goes wrong mid-scenario', () => {
  const misbehaving = (mode: string) => `${NODE} ${fileURLToPath(new URL('../support/misbehaving-target.ts', import.meta.url))} ${mode} {port}`;
  const files = { 'login.yaml': LOGIN, 'replay.yaml': REPLAY };

  it('reports a target that crashes as failed with its exit and last output, and the rest of the suite still runs', async () => {
    const result = await runScenarios(files, { targets: [{ name: 'authenticator', command: misbehaving('crash') }], idpPort: await freePort() });
    expect(result.scenarios).toHaveLength(2);
    const first = result.scenarios.find((entry) => entry.failure?.message.includes('segmentation fault'));
    expect(first?.status).toBe('failed');
    expect(result.scenarios.every((entry) => entry.status === 'failed')).toBe(true);
  });

  it('reports a target that hangs as a step timeout and moves on', async () => {
    const result = await runScenarios(files, {
      targets: [{ name: 'authenticator', command: misbehaving('hang') }],
      idpPort: await freePort(),
      stepTimeoutMs: 500,
    });
    expect(result.scenarios).toHaveLength(2);
    expect(result.scenarios.map((entry) => entry.failure?.kind)).toEqual(['timeout', 'timeout']);
  });

  it('reports a target that answers garbage with what it answered', async () => {
    const result = await runScenarios(
      { 'login.yaml': LOGIN },
      { targets: [{ name: 'authenticator', command: misbehaving('garbage') }], idpPort: await freePort() },
    );
    const failed = scenario(result, 'the authenticator turns a code into claims');
    expect(failed.failure?.kind).toBe('assertion');
    expect(JSON.stringify(failed.failure)).toMatch(/text\/html|not JSON|Oops/i);
  });
});

describe('process launcher readiness', () => {
  it('reads the URL from a startup line that puts punctuation after it (the reference STS)', async () => {
    const assume = `
name: the STS started from a command hands out credentials
target: aws-sts
steps:
  - login: { user: alice }
  - call: aws-sts.assume_role
    expect: { status: 200 }
`;
    const command = `${NODE} ${MOCKIDP} component sts --issuer {issuer} --authenticator http://127.0.0.1:9 --client-id {client_id} --port {port} --log-level info`;
    const result = await runScenarios(
      { 'assume.yaml': assume },
      { targets: [{ name: 'aws-sts', command }], idpPort: await freePort(), readyTimeoutMs: 10_000 },
    );
    expect(result.scenarios.map((entry) => [entry.status, entry.failure?.message])).toEqual([['passed', undefined]]);
  });
});
