import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FLAWS } from '../../components/index.ts';
import { processLauncher } from '../../harness/launchers/process.ts';
import { runSuite, type SuiteOptions } from '../../harness/runner/suite.ts';
import type { TargetName } from '../../harness/targets/names.ts';
import { targetKind } from '../../harness/targets/index.ts';
import type { SuiteResult } from '../../harness/report/result.ts';
import { freePort } from './support/scenarios.ts';

/*
 * A component of the user's own with each deliberate flaw is caught, whether it runs at a URL (started
 * by the test, as a CI job would) or as a command the runner starts. The components are the
 * reference ones with --flaw, run as separate processes (mockidp component ..., or the lakeFS stack
 * of test/harness/support/lakefs-stack.ts), not the embedded variants. Each flaw is probed with the
 * built-in scenarios about it; the same scenarios pass against the clean processes.
 */

const NODE = process.execPath;
const MOCKIDP = fileURLToPath(new URL('../../harness/cli/bin.ts', import.meta.url));
const STACK = fileURLToPath(new URL('./support/lakefs-stack.ts', import.meta.url));
const BUILT_IN = (path: string) => fileURLToPath(new URL(`../../scenarios/${path}`, import.meta.url));

interface Setup {
  /** The --target name (sts serves lakefs-sts and aws-sts). */
  target: TargetName | 'sts';
  /** The component's command line, with the process launcher's placeholders. */
  command: string;
  targetOptions?: Record<string, Record<string, unknown>>;
}

const AUTHENTICATOR: Setup = {
  target: 'authenticator',
  command: `${NODE} ${MOCKIDP} component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port} --jwks-refetch-cooldown 1 --log-level silent`,
  targetOptions: { authenticator: { jwksRefetchCooldown: '1s' } },
};
const STS: Setup = {
  target: 'sts',
  command: `${NODE} ${STACK} --issuer {issuer} --client-id lakefs --client-secret lakefs-secret --sts-client-id sts --port {port}`,
  targetOptions: { 'aws-sts': { flavour: 'aws' } },
};
const bearerApi = (mode: 'user' | 'app' | 'converge', maps: string[] = []): Setup => ({
  target: 'bearer-api',
  command: `${NODE} ${MOCKIDP} component bearer-api --issuer {issuer} --audience api://conformance --map admins=admin:cluster --map developers=reader --map api-app=writer ${maps.map((map) => `--map ${map}`).join(' ')} --mode ${mode} --port {port} --log-level silent`,
  targetOptions: { 'bearer-api': { mode } },
});
const DEVICE_CLI: Setup = { target: 'device-cli', command: `${NODE} ${MOCKIDP} component device-cli` };

/** For each flaw: the component that carries it and the built-in scenarios about it. */
const PROBES: Record<string, { setup: Setup; scenarios: string[] }> = {
  'skip-aud-check': { setup: AUTHENTICATOR, scenarios: ['id-token/wrong-audience.yaml', 'authenticator/foreign-audience.yaml'] },
  'accept-alg-none': { setup: AUTHENTICATOR, scenarios: ['id-token/alg-none.yaml'] },
  'accept-hs256-with-public-key': { setup: AUTHENTICATOR, scenarios: ['id-token/hs256-public-key.yaml'] },
  'never-refetch-jwks': { setup: AUTHENTICATOR, scenarios: ['authenticator/code-to-claims.yaml', 'id-token/key-rotation.yaml'] },
  'ignore-exp': { setup: AUTHENTICATOR, scenarios: ['id-token/expired.yaml'] },
  'unbounded-skew': { setup: AUTHENTICATOR, scenarios: ['id-token/issued-in-future.yaml'] },
  'accept-reused-code': { setup: AUTHENTICATOR, scenarios: ['authenticator/reused-code.yaml'] },
  'trust-unverified-iss': { setup: AUTHENTICATOR, scenarios: ['id-token/foreign-issuer.yaml'] },
  'leak-non-string-claims': { setup: AUTHENTICATOR, scenarios: ['authenticator/claims-strings.yaml'] },
  'ignore-duration-bounds': { setup: STS, scenarios: ['sts/aws-duration-too-short.yaml', 'sts/aws-duration-too-long.yaml'] },
  'skip-iss-check': { setup: STS, scenarios: ['sts/aws-wrong-issuer.yaml'] },
  'skip-sigv4-verification': { setup: STS, scenarios: ['sts/aws-wrong-secret.yaml'] },
  'uncapped-lakefs-ttl': { setup: STS, scenarios: ['sts/lakefs-ttl-capped.yaml'] },
  'roles-from-unverified-claim': { setup: bearerApi('converge'), scenarios: ['bearer-api/forged-admin.yaml'] },
  'ignore-token-kind': { setup: bearerApi('user'), scenarios: ['bearer-api/app-token-in-user-mode.yaml'] },
  'ignore-dpop-binding': { setup: bearerApi('app', ['dpop-app=writer']), scenarios: ['bearer-api/dpop-bound-token.yaml'] },
  'world-readable-session': { setup: DEVICE_CLI, scenarios: ['device/cli-login.yaml'] },
  'ignore-slow-down': { setup: DEVICE_CLI, scenarios: ['device/cli-slow-down-enforced.yaml'] },
};

/** The command with --flaw (the device CLI takes it before the operation the runner appends). */
function withFlaw(command: string, flaw: string | undefined): string {
  return flaw ? `${command} --flaw ${flaw}` : command;
}

/** Runs the scenarios with the component started by the runner (--target-command). */
async function asCommand(setup: Setup, scenarios: string[], flaw?: string): Promise<SuiteResult> {
  return runSuite({
    paths: scenarios.map(BUILT_IN),
    targets: [{ name: setup.target, command: withFlaw(setup.command, flaw) }],
    idpPort: await freePort(),
    ...(setup.targetOptions ? { targetOptions: setup.targetOptions } : {}),
  });
}

/** Starts the component as the user would, configured with the suite IdP's fixed issuer, then runs the scenarios against its URL. */
async function atUrl(setup: Setup, scenarios: string[], flaw?: string): Promise<SuiteResult> {
  const idpPort = await freePort();
  const names: TargetName[] = setup.target === 'sts' ? ['lakefs-sts', 'aws-sts'] : [setup.target];
  const kind = targetKind(names[0]!)!;
  const clients = kind.clients(kind.optionsSchema.parse(setup.targetOptions?.[names[0]!] ?? {}));
  const started = await processLauncher.launch({
    kind,
    setup: { issuer: `http://127.0.0.1:${idpPort}/default`, tenant: 'default', clients, options: {}, flaw: undefined, workDir: '' },
    command: withFlaw(setup.command, flaw),
    readyTimeoutMs: 15_000,
  });
  try {
    const options: SuiteOptions = {
      paths: scenarios.map(BUILT_IN),
      targets: [{ name: setup.target, url: started.url! }],
      idpPort,
      ...(setup.targetOptions ? { targetOptions: setup.targetOptions } : {}),
    };
    return await runSuite(options);
  } finally {
    await started.close();
  }
}

function statuses(result: SuiteResult): string[] {
  return result.scenarios.map(
    (scenario) =>
      `${scenario.file.replace(/.*scenarios\//, '')}: ${scenario.status}${scenario.failure ? ` (${scenario.failure.message.split('\n')[0]})` : scenario.skipReason ? ` (${scenario.skipReason})` : ''}`,
  );
}

describe('each flaw of a component run as a separate process', () => {
  it('has a probe for every flaw of mockidp component flaws', () => {
    expect(Object.keys(PROBES).sort()).toEqual(FLAWS.map((flaw) => flaw.name).sort());
  });

  for (const flaw of FLAWS) {
    const probe = PROBES[flaw.name]!;
    const modes = probe.setup.target === 'device-cli' ? (['command'] as const) : (['url', 'command'] as const);
    for (const mode of modes) {
      it(`catches ${flaw.name} (${flaw.component}) ${mode === 'url' ? 'at a URL' : 'as a command the runner starts'}, and the same scenarios pass against the clean component`, async () => {
        const run = mode === 'url' ? atUrl : asCommand;
        const clean = await run(probe.setup, probe.scenarios);
        expect(statuses(clean).filter((line) => !line.endsWith(': passed'))).toEqual([]);
        const flawed = await run(probe.setup, probe.scenarios, flaw.name);
        expect(flawed.summary.skipped, statuses(flawed).join('\n')).toBe(0);
        expect(flawed.summary.failed, `no scenario caught ${flaw.name}:\n${statuses(flawed).join('\n')}`).toBeGreaterThanOrEqual(1);
      }, 90_000);
    }
  }
});
