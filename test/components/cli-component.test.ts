import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { FLAWS } from '../../components/index.ts';
import { lakefsCode, startComponentIdp } from './support/idp.ts';
import { postJson } from './support/components.ts';

const idp = await startComponentIdp();

/** `mockidp component ...` as a child process; resolves its URL once it listens. */
function component(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['harness/cli/bin.ts', 'component', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(stdout);
      if (match && stdout.includes('Press Ctrl-C')) resolve(match[1]!);
    });
    void exited.then(([code]) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

describe('mockidp component (CLI)', () => {
  it('runs the authenticator against an issuer, serves a lakeFS login, and stops on SIGTERM', async () => {
    const run = component(['authenticator', '--issuer', idp.issuer('default'), '--client-id', 'lakefs', '--port', '0'], {
      MOCKIDP_CLIENT_SECRET: 'lakefs-secret',
    });
    const url = await run.ready;
    const reply = await postJson(`${url}/api/v1/sts/login`, await lakefsCode(idp));
    expect(reply).toMatchObject({ status: 200, body: { claims: { sub: 'alice' } } });
    run.child.kill('SIGTERM');
    expect((await run.exited)[0]).toBe(0);
  });

  it('runs the STS in the minio flavour and warns loudly about a selected flaw', async () => {
    const run = component([
      'sts',
      '--issuer',
      idp.issuer('default'),
      '--flavour',
      'minio',
      '--client-id',
      'sts-client',
      '--port',
      '0',
      '--flaw',
      'skip-iss-check',
    ]);
    const url = await run.ready;
    expect((await fetch(`${url}/healthcheck`)).status).toBe(204);
    run.child.kill('SIGINT');
    expect((await run.exited)[0]).toBe(0);
    expect(run.output().stdout).toContain('sts (minio) listening on');
    expect(run.output().stderr).toContain('FLAWED VARIANT "skip-iss-check"');
  });

  it('runs the bearer API with a role map from --map', async () => {
    const run = component([
      'bearer-api',
      '--issuer',
      idp.issuer('default'),
      '--audience',
      'api://storage',
      '--mode',
      'app',
      '--map',
      'service=reader:bucket',
      '--port',
      '0',
    ]);
    const url = await run.ready;
    const { token } = await idp.admin.mint('default', { type: 'access_token', client: 'service' });
    const reply = await fetch(`${url}/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(await reply.json()).toMatchObject({ kind: 'app', roles: [{ role: 'reader', scope: 'bucket', via: 'service' }] });
    run.child.kill('SIGTERM');
    await run.exited;
  });

  it('lists the flaws as JSON, the same list the package exports', async () => {
    const run = component(['flaws', '--json']);
    expect((await run.exited)[0]).toBe(0);
    expect(JSON.parse(run.output().stdout)).toEqual(FLAWS);
  });

  it('exits 2 naming the missing option', async () => {
    const run = component(['authenticator', '--issuer', idp.issuer('default')]);
    expect((await run.exited)[0]).toBe(2);
    expect(run.output().stderr).toContain('--client-id is required');
  });

  it('exits 2 for a flaw of another component', async () => {
    const run = component(['authenticator', '--issuer', idp.issuer('default'), '--client-id', 'lakefs', '--flaw', 'ignore-slow-down']);
    expect((await run.exited)[0]).toBe(2);
    expect(run.output().stderr).toContain('flaw "ignore-slow-down" belongs to the device-cli');
  });

  it('exits 2 for an unknown component', async () => {
    const run = component(['ldap']);
    expect((await run.exited)[0]).toBe(2);
    expect(run.output().stderr).toContain('unknown component "ldap"');
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const first = component(['sts', '--issuer', idp.issuer('default'), '--port', '0']);
    const port = new URL(await first.ready).port;
    const second = component(['sts', '--issuer', idp.issuer('default'), '--port', port]);
    expect((await second.exited)[0]).toBe(1);
    expect(second.output().stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    first.child.kill('SIGTERM');
    await first.exited;
  });

  it('runs the device CLI: status without a session exits 1', async () => {
    const run = component(['device-cli', 'status', '--session', '/nonexistent/mockidp/session.json']);
    expect((await run.exited)[0]).toBe(1);
    expect(run.output().stdout).toContain('Not logged in');
  });
});
