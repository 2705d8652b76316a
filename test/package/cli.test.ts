import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, type Consumer, type NodeChoice } from '../support/package.ts';

/*
 * `npx mockidp` as a user's project runs it: the CLI installed from the packed tarball, started through
 * npx in a project outside this repository.
 */

let consumer: Consumer;

beforeAll(async () => {
  consumer = await consumerProject();
}, 600_000);

async function serveUntilReady(node: NodeChoice) {
  const child = consumer.start('npx', ['mockidp', 'serve', '--port', '0'], { node, detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // The pipes close when the last process writing to them (npx's child, the server) has exited.
  const closed = Promise.all([once(child.stdout!, 'close'), once(child.stderr!, 'close')]);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match && stdout.includes('Press Ctrl-C')) resolve(match[1]!);
    });
    void closed.then(() => reject(new Error(`mockidp serve exited: ${stderr}`)));
  });
  return { child, url, closed, output: () => ({ stdout, stderr }) };
}

async function refused(url: string): Promise<boolean> {
  return fetch(url).then(
    () => false,
    () => true,
  );
}

describe('npx mockidp serve, installed from the tarball', () => {
  it.each(['current', 'oldest'] as const)(
    'answers discovery, and stops cleanly on SIGTERM to its process group as a terminal or CI runner sends it (%s Node)',
    async (node) => {
      const served = await serveUntilReady(node);
      const discovery = await fetch(`${served.url}/default/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${served.url}/default`);
      process.kill(-served.child.pid!, 'SIGTERM');
      await served.closed;
      expect(served.output().stdout).toContain('SIGTERM: stopping');
      expect(served.output().stderr).toBe('');
      expect(await refused(`${served.url}/health`)).toBe(true);
    },
  );

  it("words oidc-provider's error descriptions as oidc-provider does (its list formatting is built lazily in the bundle)", async () => {
    const served = await serveUntilReady('current');
    try {
      const twice = await fetch(`${served.url}/default/auth?client_id=demo&client_id=demo&scope=openid&scope=openid&response_type=code`);
      expect(twice.status).toBe(400);
      expect(await twice.text()).toContain('&#39;client_id&#39; and &#39;scope&#39; parameters must not be provided twice');
      const missing = await fetch(`${served.url}/default/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_id=demo',
      });
      expect(((await missing.json()) as { error_description: string }).error_description).toBe("missing required parameter 'grant_type'");
    } finally {
      process.kill(-served.child.pid!, 'SIGTERM');
      await served.closed;
    }
  });

  it('stops, instead of holding its port, when only npx is killed (npm exits on SIGTERM without passing it on)', async () => {
    const served = await serveUntilReady('current');
    served.child.kill('SIGTERM');
    await served.closed;
    expect(served.output().stdout).toContain('the process that started mockidp exited: stopping');
    expect(await refused(`${served.url}/health`)).toBe(true);
  });
});

describe('npx mockidp schema, installed from the tarball', () => {
  it('prints the scenario JSON Schema the package ships in dist/schemas (the bundled CLI builds it as the sources do)', async () => {
    const { code, stdout } = await consumer.run('npx', ['mockidp', 'schema']);
    expect(code).toBe(0);
    const shipped = await readFile(join(consumer.dir, 'node_modules/mockidp/dist/schemas/scenario.schema.json'), 'utf8');
    expect(JSON.parse(stdout)).toEqual(JSON.parse(shipped));
  });
});

describe('npx mockidp run, installed from the tarball', () => {
  // A one-second JWKS refetch cool-down, declared to the runner, keeps the key-rotation scenarios quick.
  const authenticator =
    'npx mockidp component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port} --jwks-refetch-cooldown 1';
  const cooldown = ['--target-option', 'authenticator.jwksRefetchCooldown=1s'];

  it('runs the shipped authenticator scenarios against a component it starts with --target-command, and writes the reports into the project', async () => {
    const { code, stdout, stderr } = await consumer.run(
      'npx',
      ['mockidp', 'run', '--target-command', `authenticator=${authenticator}`, ...cooldown, '--idp-port', '0', '--out', 'reports/clean'],
      { timeoutMs: 180_000 },
    );
    expect(stderr).toBe('');
    const summary = /(\d+) passed, (\d+) failed/.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(90);
    expect(Number(summary![2])).toBe(0);
    expect(stdout).toMatch(/, 0 skipped/);
    expect(code).toBe(0);
    const results = JSON.parse(await readFile(join(consumer.dir, 'reports/clean/results.json'), 'utf8')) as {
      scenarios: Array<{ id: string; status: string }>;
    };
    expect(results.scenarios.map((scenario) => scenario.id)).toContain('scenarios/authenticator/reused-code');
    expect(await readFile(join(consumer.dir, 'reports/clean/junit.xml'), 'utf8')).toMatch(/<testsuites[^>]* failures="0"/);
    expect(await readFile(join(consumer.dir, 'reports/clean/report.html'), 'utf8')).toContain('<html');
  }, 180_000);

  it('fails, naming the scenario, when the component it starts is flawed', async () => {
    const flawed = `${authenticator} --flaw skip-aud-check`;
    const { code, stdout } = await consumer.run(
      'npx',
      ['mockidp', 'run', '--target-command', `authenticator=${flawed}`, ...cooldown, '--idp-port', '0', '--grep', 'audience', '--out', 'reports/flawed'],
      { timeoutMs: 120_000 },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ .*audience/);
  }, 120_000);
});
