import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const node = process.execPath;

function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(node, ['harness/cli/bin.ts', 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on (https?:\/\/\S+)/.exec(stdout);
      if (match && stdout.includes('Press Ctrl-C')) resolve(match[1]!);
    });
    void exited.then(([code]) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  ready.catch(() => undefined); // tests that expect an early exit never await readiness

  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

describe('mockidp serve', () => {
  it('prints the base URL and each issuer, answers discovery, and stops cleanly on Ctrl-C', async () => {
    const run = serve(['--port', '0', '--config', 'fixtures/config/two-tenants.yaml']);
    const url = await run.ready;
    expect(run.output().stdout).toContain(`tenant acme: issuer ${url}/acme`);
    expect(run.output().stdout).toContain(`tenant partner: issuer ${url}/partner`);
    const discovery = await fetch(`${url}/acme/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    run.child.kill('SIGINT');
    const [code] = await run.exited;
    expect(code).toBe(0);
    expect(run.output().stdout).toContain('SIGINT: stopping');
  });

  it('serves only the tenants named with --tenant', async () => {
    const run = serve(['--port', '0', '--config', 'fixtures/config/two-tenants.yaml', '--tenant', 'partner']);
    const url = await run.ready;
    expect((await fetch(`${url}/acme/.well-known/openid-configuration`)).status).toBe(404);
    run.child.kill('SIGTERM');
    expect((await run.exited)[0]).toBe(0);
  });

  it('takes its port from MOCKIDP_PORT', async () => {
    const run = serve([], { MOCKIDP_PORT: '0' });
    const url = await run.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    run.child.kill('SIGINT');
    await run.exited;
  });

  it('serves a configuration given only in MOCKIDP_CONFIG_INLINE', async () => {
    const inline = [
      'tenants:',
      '  shop:',
      '    users: { carla: { email: carla@shop.test } }',
      '    clients:',
      '      batch: { secret: batch-secret, grants: [client_credentials] }',
    ].join('\n');
    const run = serve(['--port', '0'], { MOCKIDP_CONFIG_INLINE: inline, MOCKIDP_CONFIG: '' });
    const url = await run.ready;
    expect(run.output().stdout).toContain(`tenant shop: issuer ${url}/shop`);
    expect((await fetch(`${url}/default/.well-known/openid-configuration`)).status).toBe(404);
    const token = await fetch(`${url}/shop/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('batch:batch-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);
    run.child.kill('SIGINT');
    await run.exited;
  });

  it('exits with 1 naming MOCKIDP_CONFIG_INLINE and the line when its text is invalid', async () => {
    const run = serve(['--port', '0'], { MOCKIDP_CONFIG_INLINE: 'tenants:\n  shop:\n    clients: { web: { grants: [implicit] } }\n' });
    const [code] = await run.exited;
    expect(code).toBe(1);
    expect(run.output().stderr).toMatch(/MOCKIDP_CONFIG_INLINE:3:\d+ tenants\.shop\.clients\.web\.grants\[0\]: must be one of/);
  });

  it('exits with 1 and names the bad field when the configuration is invalid', async () => {
    const run = serve(['--port', '0', '--config', 'fixtures/config/does-not-exist.yaml']);
    const [code] = await run.exited;
    expect(code).toBe(1);
    expect(run.output().stderr).toContain('cannot read fixtures/config/does-not-exist.yaml: no such file');
  });

  it('on a non-loopback address without an admin token, generates one, prints it once, and closes the admin API to anyone without it', async () => {
    const run = serve(['--port', '0', '--host', '0.0.0.0']);
    const url = await run.ready;
    const token = /admin API token \(generated, as none was set\): (\S+)/.exec(run.output().stdout)?.[1];
    expect(token).toMatch(/^[\w-]{32}$/);
    expect((await fetch(`${url}/default/.well-known/openid-configuration`)).status).toBe(200);
    expect((await fetch(`${url}/_admin/tenants`)).status).toBe(401);
    expect((await fetch(`${url}/_admin/tenants`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    run.child.kill('SIGTERM');
    expect((await run.exited)[0]).toBe(0);
  });

  it('serves an unprotected admin API on a non-loopback address only with --unsafe-admin, and then generates no token', async () => {
    const run = serve(['--port', '0', '--host', '0.0.0.0', '--unsafe-admin']);
    const url = await run.ready;
    expect(run.output().stdout).not.toContain('admin API token');
    expect((await fetch(`${url}/_admin/tenants`)).status).toBe(200);
    run.child.kill('SIGTERM');
    await run.exited;
  });

  it('exits with 2 and shows the usage for an unknown flag', async () => {
    const run = serve(['--prot', '9400']);
    const [code] = await run.exited;
    expect(code).toBe(2);
    expect(run.output().stderr).toContain("Unknown option '--prot'");
  });

  it('applies --profile to every tenant: the issuer and endpoints take the shape of the provider', async () => {
    const run = serve(['--port', '0', '--profile', 'keycloak']);
    const url = await run.ready;
    expect(run.output().stdout).toContain(`tenant default: issuer ${url}/default/realms/master`);
    const doc = (await (await fetch(`${url}/default/realms/master/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    expect(doc.token_endpoint).toBe(`${url}/default/realms/master/protocol/openid-connect/token`);
    run.child.kill('SIGINT');
    await run.exited;
  });

  it('refuses an unknown --profile, listing the profiles', async () => {
    const run = serve(['--port', '0', '--profile', 'pingfederate']);
    const [code] = await run.exited;
    expect(code).toBe(1);
    expect(run.output().stderr).toMatch(/--profile.*\n.*unknown profile: profiles are google, entra, adfs, auth0, okta, keycloak/s);
  });
});

describe('mockidp serve --tls', () => {
  const sh = promisify(execFile);
  /** The environment of a new shell, without any trust the test runner itself may have. */
  const cleanEnv = () =>
    Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE'].includes(name)),
    ) as NodeJS.ProcessEnv;
  /** The command a trust hint prints for a runtime ("    Node.js  export ..."). */
  const hint = (stdout: string, runtime: string) => {
    const line = stdout.split('\n').find((candidate) => candidate.trimStart().startsWith(`${runtime} `));
    if (!line) throw new Error(`no ${runtime} hint in:\n${stdout}`);
    return line.trimStart().slice(runtime.length).trim();
  };

  async function serveTls(args: string[] = []) {
    const caDir = await mkdtemp(join(tmpdir(), 'mockidp ca '));
    const run = serve(['--port', '0', '--tls', ...args], { MOCKIDP_CA_DIR: caDir });
    const url = await run.ready;
    return {
      run,
      url,
      caDir,
      stop: async () => {
        run.child.kill('SIGINT');
        await run.exited;
        await rm(caDir, { recursive: true, force: true });
      },
    };
  }

  it('serves https and prints the CA file with a trust hint for Node.js, Python, curl, Java and .NET', async () => {
    const { run, url, caDir, stop } = await serveTls(['--tls-name', 'idp.test']);
    try {
      const { stdout } = run.output();
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(stdout).toContain(`https: certificate for 127.0.0.1, ::1, localhost, idp.test, signed by the local CA ${caDir}/ca.pem`);
      expect(hint(stdout, 'Node.js')).toBe(`export NODE_EXTRA_CA_CERTS='${caDir}/ca.pem'`);
      for (const runtime of ['Python', 'curl', 'Java', '.NET']) expect(hint(stdout, runtime)).not.toBe('');
      expect(stdout).toContain('keytool -importcert -noprompt -alias mockidp-ca');
    } finally {
      await stop();
    }
  });

  it('the Node.js hint, followed literally, makes a new node process trust the IdP (and without it, it does not)', async () => {
    const { run, url, stop } = await serveTls();
    try {
      const program = `node -e 'fetch(process.argv[1]).then((r) => r.json()).then((d) => console.log(d.issuer), (e) => { console.log(e.cause?.code); process.exitCode = 3; })' ${url}/default/.well-known/openid-configuration`;
      const trusted = await sh('sh', ['-c', `${hint(run.output().stdout, 'Node.js')}\n${program}`], { env: cleanEnv() });
      expect(trusted.stdout.trim()).toBe(`${url}/default`);
      const untrusted = await sh('sh', ['-c', program], { env: cleanEnv() }).catch((error: { stdout: string; code: number }) => error);
      expect(untrusted.stdout.trim()).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      await stop();
    }
  });

  it("the Python hint, followed literally, makes Debian's python3-requests trust the IdP", async () => {
    const hasRequests = await sh('/usr/bin/python3', ['-c', 'import requests']).then(
      () => true,
      () => false,
    );
    expect(hasRequests, "Debian's python3-requests is needed: apt-get install python3-requests").toBe(true);
    const { run, url, stop } = await serveTls();
    try {
      const program = `/usr/bin/python3 -c 'import sys, requests; print(requests.get(sys.argv[1]).json()["issuer"])' ${url}/default/.well-known/openid-configuration`;
      const { stdout } = await sh('sh', ['-c', `${hint(run.output().stdout, 'Python')}\n${program}`], { env: cleanEnv() });
      expect(stdout.trim()).toBe(`${url}/default`);
    } finally {
      await stop();
    }
  });

  it('the curl hint, run as printed, fetches the discovery document', async () => {
    const { run, url, stop } = await serveTls();
    try {
      const { stdout } = await sh('sh', ['-c', hint(run.output().stdout, 'curl')], { env: cleanEnv() });
      expect((JSON.parse(stdout) as { issuer: string }).issuer).toBe(`${url}/default`);
    } finally {
      await stop();
    }
  });

  it('exits with 1 naming --tls-key when --tls-cert comes alone', async () => {
    const run = serve(['--port', '0', '--tls-cert', 'some.crt']);
    const [code] = await run.exited;
    expect(code).toBe(1);
    expect(run.output().stderr).toContain('server.tls.key: a certificate of your own needs its private key');
  });
});
