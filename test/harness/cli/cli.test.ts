import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { startAuthenticator } from '../../../components/index.ts';
import { AUTHENTICATOR_LOGIN, AUTHENTICATOR_REPLAY, freePort, scenarioDir } from '../support/scenarios.ts';

const MOCKIDP = fileURLToPath(new URL('../../../harness/cli/bin.ts', import.meta.url));

async function mockidp(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MOCKIDP, ...args], { cwd, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const PASSES = `name: the service client gets a token
tags: [client-credentials]
steps:
  - client_credentials: { client: service }
    expect: { status: 200 }
`;

const FAILS = `name: a token request with a wrong secret is expected to succeed
tags: [client-credentials]
steps:
  - client_credentials: { client: service, secret: wrong }
    expect: { status: 200 }
`;

const TYPO = `name: a scenario with a wrong field type
steps:
  - login: { user: alice, client: 42 }
`;

describe('mockidp run', () => {
  it('exits 0 and writes JSON, JUnit and HTML reports when every scenario passes', async () => {
    const dir = await scenarioDir({ 'ok.yaml': PASSES });
    const out = await mkdtemp(join(tmpdir(), 'mockidp-out-'));
    const { code, stdout } = await mockidp(['run', dir, '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 passed, 0 failed/);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.summary).toMatchObject({ total: 1, passed: 1 });
    const junit = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(out, 'junit.xml'), 'utf8'));
    expect(JSON.stringify(junit)).toContain('the service client gets a token');
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('the service client gets a token');
  });

  it('exits 1 when a scenario fails, and the JUnit report carries the failure with the expected and actual status', async () => {
    const dir = await scenarioDir({ 'ok.yaml': PASSES, 'bad.yaml': FAILS });
    const out = await mkdtemp(join(tmpdir(), 'mockidp-out-'));
    const { code, stdout } = await mockidp(['run', dir, '--out', out]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/1 passed, 1 failed/);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(await readFile(join(out, 'junit.xml'), 'utf8'));
    const cases = [junit.testsuites.testsuite].flat().flatMap((suite: { testcase: unknown }) => [suite.testcase].flat()) as Array<{
      name: string;
      failure?: { message?: string; '#text'?: string };
    }>;
    const failed = cases.find((testcase) => testcase.name === 'a token request with a wrong secret is expected to succeed');
    expect(failed?.failure).toBeDefined();
    expect(JSON.stringify(failed?.failure)).toMatch(/200/);
    expect(JSON.stringify(failed?.failure)).toMatch(/401/);
    expect(cases.find((testcase) => testcase.name === 'the service client gets a token')?.failure).toBeUndefined();
  });

  it('writes a self-contained HTML report that lists failed scenarios first', async () => {
    const dir = await scenarioDir({ 'a-ok.yaml': PASSES, 'b-bad.yaml': FAILS });
    const out = await mkdtemp(join(tmpdir(), 'mockidp-out-'));
    await mockidp(['run', dir, '--out', out, '--reporter', 'html']);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=["']https?:|@import|url\(["']?https?:/);
    expect(html.indexOf('a token request with a wrong secret')).toBeLessThan(html.indexOf('the service client gets a token'));
  });

  it('exits 2 with the flag named when an option is wrong', async () => {
    const { code, stderr } = await mockidp(['run', '--shard', '3/2']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--shard/);
  });

  it('exits 2 and lists the known options when a target option is unknown', async () => {
    const { code, stderr } = await mockidp(['run', '--target', 'authenticator=http://127.0.0.1:9', '--target-option', 'authenticator.bogus=1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown option authenticator\.bogus; the options of authenticator: clientId, .*, operations, jwksRefetchCooldown/);
  });

  it('counts the skipped scenarios by reason in the console summary and the HTML report', async () => {
    const idpPort = await freePort();
    const authenticator = await startAuthenticator({
      issuer: `http://127.0.0.1:${idpPort}/default`,
      clientId: 'lakefs',
      clientSecret: 'lakefs-secret',
      logLevel: 'silent',
    });
    try {
      const principal = 'name: a principal login\ntarget: authenticator\nsteps:\n  - call: { op: authenticator.principal_login, with: { identityToken: x } }\n';
      const profiled = AUTHENTICATOR_LOGIN.replace('target: authenticator', 'target: authenticator\nidp: { profile: google }').replace(
        'turns a code into claims',
        'logs in at Google',
      );
      const dir = await scenarioDir({ 'login.yaml': AUTHENTICATOR_LOGIN, 'principal.yaml': principal, 'google.yaml': profiled });
      const out = await mkdtemp(join(tmpdir(), 'mockidp-out-'));
      const { code, stdout } = await mockidp([
        'run',
        dir,
        '--target',
        `authenticator=${authenticator.url}`,
        '--idp-port',
        String(idpPort),
        '--target-option',
        'authenticator.operations=sts-login,healthcheck',
        '--out',
        out,
        '--reporter',
        'console,html',
      ]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/1 passed, 0 failed, 2 skipped \((1 operation not offered, 1 provider profile|1 provider profile, 1 operation not offered)\)/);
      const html = await readFile(join(out, 'report.html'), 'utf8');
      expect(html).toMatch(/<b>2<\/b> skipped \((1 operation not offered, 1 provider profile|1 provider profile, 1 operation not offered)\)/);
    } finally {
      await authenticator.close();
    }
  });

  it('merges the JSON results of two shards into one report with every scenario once', async () => {
    const dir = await scenarioDir({
      'a.yaml': PASSES,
      'b.yaml': FAILS,
      'c.yaml': PASSES.replace('the service client gets a token', 'the service client gets another token'),
    });
    const out = await mkdtemp(join(tmpdir(), 'mockidp-out-'));
    await mockidp(['run', dir, '--shard', '1/2', '--out', join(out, 's1'), '--reporter', 'json']);
    await mockidp(['run', dir, '--shard', '2/2', '--out', join(out, 's2'), '--reporter', 'json']);
    const { code } = await mockidp([
      'report',
      'merge',
      join(out, 's1', 'results.json'),
      join(out, 's2', 'results.json'),
      '--out',
      join(out, 'all'),
      '--reporter',
      'json,junit',
    ]);
    expect(code).toBe(1);
    const merged = JSON.parse(await readFile(join(out, 'all', 'results.json'), 'utf8'));
    expect(merged.summary).toMatchObject({ total: 3, passed: 2, failed: 1 });
  });

  it('refuses to merge a file that is not a results file, naming it', async () => {
    const dir = await scenarioDir({ 'not-results.json': '{"hello": 1}' });
    const { code, stderr } = await mockidp(['report', 'merge', join(dir, 'not-results.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('not-results.json: not a mockidp results file');
  });
});

describe('mockidp run --flaws', () => {
  it('writes the flaw matrix as HTML and JSON, and exits 1 while some flaw is not caught', async () => {
    const dir = await scenarioDir({ 'replay.yaml': AUTHENTICATOR_REPLAY });
    const out = await mkdtemp(join(tmpdir(), 'mockidp-out-'));
    const { code, stdout } = await mockidp(['run', dir, '--flaws', '--out', out, '--reporter', 'console']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/accept-reused-code \(authenticator\) caught by 1 of 1 scenario/);
    const html = await readFile(join(out, 'flaws.html'), 'utf8');
    expect(html).toContain('the authenticator refuses a replayed code');
    expect(html).toContain('not caught by any scenario');
    const json = JSON.parse(await readFile(join(out, 'flaws.json'), 'utf8')) as { uncaught: string[] };
    expect(json.uncaught).toContain('skip-aud-check');
    expect(json.uncaught).not.toContain('accept-reused-code');
  }, 60_000);
});

describe('mockidp validate', () => {
  it('exits 0 and counts the scenarios of valid files', async () => {
    const dir = await scenarioDir({ 'ok.yaml': PASSES, 'nested/also.yaml': FAILS });
    const { code, stdout } = await mockidp(['validate', dir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/2 files, 2 valid scenarios/);
  });

  it('exits 1 and names the file, line and field of each problem', async () => {
    const dir = await scenarioDir({ 'typo.yaml': TYPO });
    const { code, stderr } = await mockidp(['validate', dir]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/typo\.yaml:3:\d+ steps\[0\]\.login\.client: .*string/);
  });

  it('validates the built-in suite', async () => {
    const { code, stderr } = await mockidp(['validate', fileURLToPath(new URL('../../../scenarios', import.meta.url))]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('mockidp list and schema', () => {
  it('lists scenarios with their tags as JSON', async () => {
    const dir = await scenarioDir({ 'ok.yaml': PASSES });
    const { code, stdout } = await mockidp(['list', dir, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ name: 'the service client gets a token', tags: ['client-credentials'] })]);
  });

  it('writes a JSON Schema that describes every step kind', async () => {
    const { code, stdout } = await mockidp(['schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    const text = JSON.stringify(schema);
    for (const kind of [
      'login',
      'device_login',
      'client_credentials',
      'refresh',
      'revoke',
      'logout',
      'clock',
      'fault',
      'admin',
      'call',
      'wait_until',
      'journal',
      'set',
    ])
      expect(text).toContain(`"${kind}"`);
  });
});
