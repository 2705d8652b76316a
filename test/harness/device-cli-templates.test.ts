import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSuite, type SuiteOptions } from '../../harness/runner/suite.ts';
import type { SuiteResult } from '../../harness/report/result.ts';
import { freePort } from './support/scenarios.ts';

/*
 * The device-cli target judges a device-flow CLI of another shape than the reference: each operation
 * a command template, what it prints read with patterns, its token store declared. The proof is an
 * independent CLI in Python (test/harness/support/device_flow_cli.py, standard library only, run
 * with Debian's python3), with its own commands, its code on stderr and its own cache file.
 */

const SCENARIOS = fileURLToPath(new URL('../../scenarios', import.meta.url));
const CLI = fileURLToPath(new URL('./support/device_flow_cli.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

const TEMPLATES = {
  loginCommand: 'signin --authority {issuer} --app {client_id} --scopes {scope} --cache {store}',
  tokenCommand: 'print-token --cache {store}',
  statusCommand: 'whoami --cache {store}',
  refreshCommand: 'renew --cache {store}',
  logoutCommand: 'signout --cache {store}',
  userCodePattern: String.raw`code \[([A-Z0-9-]+)\]`,
  tokenPattern: String.raw`^access_token: (\S+)$`,
  store: '{workdir}/tokens.json',
  storeSubject: 'sub',
};

async function judge(paths: string[], flaw?: string): Promise<SuiteResult> {
  const options: SuiteOptions = {
    paths,
    targets: [{ name: 'device-cli', command: `${flaw ? `DEVICE_FLOW_CLI_FLAW=${flaw} ` : ''}${PYTHON} ${CLI}` }],
    targetOptions: { 'device-cli': TEMPLATES },
    idpPort: await freePort(),
  };
  return runSuite(options);
}

const lines = (result: SuiteResult) =>
  result.scenarios.map(
    (scenario) => `${scenario.file.replace(/.*scenarios\//, '')}: ${scenario.status}${scenario.failure ? ` (${scenario.failure.message.split('\n')[0]})` : ''}`,
  );

describe('a device-flow CLI of its own, in Python, described with command templates', () => {
  it('passes every device-cli scenario that a separate process can run, its code read from stderr and its cache file checked', async () => {
    const result = await judge([SCENARIOS]);
    expect(lines(result).filter((line) => line.includes(': failed'))).toEqual([]);
    expect(result.summary.skippedBy).toEqual({ 'in-process': 4 });
    expect(result.summary.passed).toBeGreaterThanOrEqual(15);
    const login = result.scenarios.find((scenario) => scenario.file.endsWith('device/cli-login.yaml'));
    expect(login?.status).toBe('passed');
  }, 120_000);

  for (const [flaw, scenario] of [
    ['ignore-slow-down', 'device/cli-slow-down-enforced.yaml'],
    ['world-readable-cache', 'device/cli-login.yaml'],
    ['accept-other-sub', 'device/cli-refresh-other-sub.yaml'],
  ] as const) {
    it(`catches the CLI when it has the flaw ${flaw} (${scenario})`, async () => {
      const clean = await judge([`${SCENARIOS}/${scenario}`]);
      expect(lines(clean)).toEqual([`${scenario}: passed`]);
      const flawed = await judge([`${SCENARIOS}/${scenario}`], flaw);
      expect(flawed.scenarios.map((entry) => entry.status)).toEqual(['failed']);
    }, 90_000);
  }

  it('says which option is wrong when a pattern is not a regular expression', async () => {
    const result = await runSuite({
      paths: [`${SCENARIOS}/device/cli-login.yaml`],
      targets: [{ name: 'device-cli', command: `${PYTHON} ${CLI}` }],
      targetOptions: { 'device-cli': { ...TEMPLATES, userCodePattern: 'code [' } },
      idpPort: await freePort(),
    });
    expect(result.scenarios[0]!.failure?.message).toContain('device-cli.userCodePattern is not a regular expression');
  }, 30_000);
});
