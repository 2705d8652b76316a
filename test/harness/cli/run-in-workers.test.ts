import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { AUTHENTICATOR_LOGIN, AUTHENTICATOR_REPLAY, scenarioDir } from '../support/scenarios.ts';

const MOCKIDP = fileURLToPath(new URL('../../../harness/cli/bin.ts', import.meta.url));

async function mockidp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MOCKIDP, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const token = (name: string, secret = 'service-secret') => `name: ${name}
tags: [client-credentials]
steps:
  - client_credentials: { client: service, secret: ${secret} }
    expect: { status: 200 }
`;

const SCENARIOS = {
  'a.yaml': token('the service client gets a token'),
  'b.yaml': token('a token request with a wrong secret is expected to succeed', 'wrong'),
  'c.yaml': token('the service client gets another token'),
  'd.yaml': AUTHENTICATOR_LOGIN,
  'e.yaml': AUTHENTICATOR_REPLAY,
};

describe('mockidp run --workers', () => {
  it('runs the shards in two processes and merges their results live into one report and one exit code', async () => {
    const dir = await scenarioDir(SCENARIOS);
    const out = await mkdtemp(join(tmpdir(), 'mockidp-workers-'));
    const { code, stdout } = await mockidp(['run', dir, '--workers', '2', '--out', out]);
    expect(code).toBe(1);
    // One start for the whole run, then one progress count over both workers.
    expect(stdout.match(/mockidp run: \d+ scenarios/g)).toEqual(['mockidp run: 5 scenarios']);
    expect(stdout.match(/\[\d\/5\]/g)).toEqual(['[1/5]', '[2/5]', '[3/5]', '[4/5]', '[5/5]']);
    expect(stdout).toMatch(/4 passed, 1 failed, 0 skipped/);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.shard).toBeUndefined();
    expect(results.summary).toMatchObject({ total: 5, passed: 4, failed: 1 });
    expect(results.scenarios.map((scenario: { name: string }) => scenario.name).sort()).toEqual(
      [
        'a token request with a wrong secret is expected to succeed',
        'the authenticator refuses a replayed code',
        'the authenticator turns a code into claims',
        'the service client gets a token',
        'the service client gets another token',
      ].sort(),
    );
    // The merged results keep what the workers recorded, not only what the progress line needed.
    for (const scenario of results.scenarios) expect(scenario.trace.length).toBeGreaterThan(0);
    const failed = results.scenarios.find((scenario: { status: string }) => scenario.status === 'failed');
    expect(failed.failure.message).toMatch(/status/);
    const junit = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(out, 'junit.xml'), 'utf8'));
    expect(JSON.stringify(junit)).toContain('the authenticator refuses a replayed code');
  });

  it('exits 0 when every scenario of every worker passes, with more workers than scenarios', async () => {
    const dir = await scenarioDir({ 'a.yaml': SCENARIOS['a.yaml'], 'c.yaml': SCENARIOS['c.yaml'] });
    const out = await mkdtemp(join(tmpdir(), 'mockidp-workers-'));
    const { code, stdout } = await mockidp(['run', dir, '--workers', '3', '--out', out, '--reporter', 'console,json']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/2 passed, 0 failed, 0 skipped/);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.summary).toMatchObject({ total: 2, passed: 2, failed: 0 });
  });

  it("exits 2 with a worker's reason when the run cannot start", async () => {
    const dir = await scenarioDir({});
    const { code, stderr } = await mockidp(['run', join(dir, 'missing'), '--workers', '2', '--reporter', 'json', '--out', dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/missing: no such file or directory/);
  });

  it.each([
    [['--workers', '0'], /--workers "0": expected a whole number of at least 1/],
    [['--workers', 'two'], /--workers "two": expected a whole number of at least 1/],
    [['--workers', '1.5'], /--workers "1.5": expected a whole number of at least 1/],
    [['--workers', '65'], /--workers "65": at most 64/],
    [['--workers'], /--workers/],
    [['--workers', '2', '--shard', '1/2'], /--workers .*--shard/],
    [['--workers', '2', '--target', 'authenticator=http://127.0.0.1:1'], /--workers .*drop --workers/],
    [['--workers', '2', '--idp-port', '9499'], /--workers .*--idp-port/],
  ])('exits 2 naming the flag for %j', async (flags, message) => {
    const { code, stderr } = await mockidp(['run', 'scenarios', ...flags]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
