import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { processLauncher } from '../../harness/launchers/process.ts';
import { runSuite } from '../../harness/runner/suite.ts';
import { authenticatorTarget } from '../../harness/targets/authenticator.ts';
import type { TargetConnection } from '../../harness/targets/session.ts';
import { freePort } from './support/scenarios.ts';

/*
 * The built-in suite judging an authenticator as a user's own component: the reference one, run
 * as a separate process (mockidp component authenticator), started by the runner or already running
 * at a URL. Started by the runner, nothing is skipped: scenarios that need a fresh target or another
 * issuer shape get an instance of their own. At a URL, only the scenarios that a target configured
 * once cannot follow are skipped (provider profiles, discovery fetched during the scenario).
 */

const SCENARIOS = fileURLToPath(new URL('../../scenarios', import.meta.url));
const MOCKIDP = fileURLToPath(new URL('../../harness/cli/bin.ts', import.meta.url));
const COMMAND = `${process.execPath} ${MOCKIDP} component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port} --jwks-refetch-cooldown 1 --log-level silent`;
const DECLARED = { authenticator: { jwksRefetchCooldown: '1s' } };

const started: TargetConnection[] = [];
afterAll(async () => {
  await Promise.all(started.map((connection) => connection.close()));
});

function problems(result: Awaited<ReturnType<typeof runSuite>>, allowed: string[] = []): string[] {
  return result.scenarios
    .filter((scenario) => scenario.status === 'failed' || (scenario.status === 'skipped' && !allowed.includes(scenario.skipKind ?? '')))
    .map((scenario) => `${scenario.file}: ${scenario.status}: ${scenario.failure?.message ?? scenario.skipReason}`);
}

describe('the built-in suite against the reference authenticator run as a separate process', () => {
  it('started by the runner (--target-command): every authenticator scenario runs and passes, none is skipped', async () => {
    const result = await runSuite({
      paths: [SCENARIOS],
      targets: [{ name: 'authenticator', command: COMMAND }],
      targetOptions: DECLARED,
      idpPort: await freePort(),
    });
    expect(problems(result)).toEqual([]);
    expect(result.summary.skipped).toBe(0);
    expect(result.summary.passed).toBeGreaterThanOrEqual(90);
    const profiled = result.scenarios.find((scenario) => scenario.file.endsWith('profiles/login-entra.yaml'));
    expect(profiled?.targetDescription, 'a profile scenario runs on an instance of its own, configured with its Entra-shaped issuer').toMatch(
      /--issuer http:\/\/127\.0\.0\.1:\d+\/h[0-9a-f]+-\d+\/[0-9a-f-]{36}\/v2\.0 /,
    );
  }, 240_000);

  it('at a URL: only profile scenarios and those that need discovery fetched during the scenario are skipped, the rest pass', async () => {
    const idpPort = await freePort();
    const clients = authenticatorTarget.clients(authenticatorTarget.optionsSchema.parse({}));
    const authenticator = await processLauncher.launch({
      kind: authenticatorTarget,
      setup: { issuer: `http://127.0.0.1:${idpPort}/default`, tenant: 'default', clients, options: {}, flaw: undefined, workDir: '' },
      command: COMMAND,
      readyTimeoutMs: 15_000,
    });
    started.push(authenticator);
    const result = await runSuite({ paths: [SCENARIOS], targets: [{ name: 'authenticator', url: authenticator.url! }], targetOptions: DECLARED, idpPort });
    expect(problems(result, ['profile', 'fresh-target'])).toEqual([]);
    expect(Object.keys(result.summary.skippedBy).sort()).toEqual(['fresh-target', 'profile']);
    const keyScenarios = [
      'id-token/key-rotation.yaml',
      'resilience/key-rotation-mid-flow.yaml',
      'resilience/idp-restart-new-keys.yaml',
      'resilience/jwks-outage-recovery.yaml',
      'id-token/signed-es256.yaml',
    ];
    for (const file of keyScenarios) expect(result.scenarios.find((scenario) => scenario.file.endsWith(file))?.status, file).toBe('passed');
  }, 240_000);
});
