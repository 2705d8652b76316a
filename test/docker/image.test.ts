import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginWithCode, relyingParty } from '../support/idp.ts';
import { projectImage } from '../support/docker.ts';
import { consumerProject, REPO } from '../support/package.ts';

/*
 * The image as users run it: built from the packed tarball, started with no flag at all. Docker here has no
 * bridge, so `-p 9400:9400` publishes nothing; host networking shows the same thing (the image binds
 * 0.0.0.0:9400 either way).
 */

const exec = promisify(execFile);
let image: string;
let container: string | undefined;

async function untilServing(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const logs = container ? await exec('docker', ['logs', container]).catch(() => ({ stdout: '', stderr: '' })) : { stdout: '', stderr: '' };
  throw new Error(`the container never answered ${url}:\n${logs.stdout}${logs.stderr}`);
}

beforeAll(async () => {
  image = await projectImage();
}, 600_000);

afterAll(async () => {
  if (container) await exec('docker', ['rm', '--force', container]).catch(() => undefined);
});

describe('the image, started with no flags', () => {
  it('serves a working IdP on port 9400: a user logs in with PKCE', async () => {
    const busy = await fetch('http://127.0.0.1:9400/').then(
      () => true,
      () => false,
    );
    expect(busy, 'port 9400 is taken by another process on this machine: stop it to run this test').toBe(false);
    container = (await exec('docker', ['run', '--detach', '--network', 'host', image])).stdout.trim();
    await untilServing('http://127.0.0.1:9400/health');
    const rp = await relyingParty('http://127.0.0.1:9400/default', 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    expect(tokens.claims()).toMatchObject({ iss: 'http://127.0.0.1:9400/default', sub: 'alice', aud: 'demo' });
  }, 60_000);

  it('keeps the admin API closed to strangers, open with the token it printed at start', async () => {
    const { stdout } = await exec('docker', ['logs', container!]);
    const token = /admin API token \(generated, as none was set\): (\S+)/.exec(stdout)?.[1];
    expect(token, stdout).toBeDefined();
    expect((await fetch('http://127.0.0.1:9400/_admin/tenants')).status).toBe(401);
    expect((await fetch('http://127.0.0.1:9400/_admin/tenants', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch('http://127.0.0.1:9400/_admin/tenants', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('stops cleanly on docker stop', async () => {
    await exec('docker', ['stop', '--time', '10', container!]);
    const { stdout } = await exec('docker', ['inspect', '--format', '{{.State.ExitCode}}', container!]);
    expect(stdout.trim()).toBe('0');
    expect((await exec('docker', ['logs', container!])).stdout).toContain('SIGTERM: stopping');
  }, 30_000);
});

describe('what the image is made of', () => {
  it('runs the package installed from the tarball: compiled JavaScript, no TypeScript sources, no tests', async () => {
    const script = `const fs = require('node:fs'); const root = '/app/node_modules/mockidp';
      console.log(JSON.stringify({ version: require(root + '/package.json').version, dist: fs.existsSync(root + '/dist/cli/mockidp.js'), sources: fs.existsSync(root + '/harness'), tests: fs.existsSync(root + '/test') }));`;
    const { stdout } = await exec('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'node', image, '-e', script]);
    const { version } = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(JSON.parse(stdout)).toEqual({ version, dist: true, sources: false, tests: false });
  });
});

describe('the testcontainers module, installed from the tarball in a project of a user', () => {
  it('starts the image, and the project gets a token it can verify and an admin client that works', async () => {
    const consumer = await consumerProject();
    await consumer.write(
      'container.mjs',
      `
import { MockIdpContainer } from 'mockidp/testcontainers';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const idp = await new MockIdpContainer(process.argv[2]).withNetworkMode('host').withUsers({ zoe: { email: 'zoe@shop.test' } }).start();
try {
  const issuer = idp.issuer('default');
  const response = await fetch(issuer + '/token', { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from('service:service-secret').toString('base64'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
  const { access_token } = await response.json();
  const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(issuer + '/jwks')), { issuer });
  const users = (await idp.admin.users.list('default')).map((user) => user.username);
  console.log(JSON.stringify({ aud: payload.aud, clientId: payload.client_id, users }));
} finally {
  await idp.stop();
}
`,
    );
    const { code, stdout, stderr } = await consumer.run('node', ['container.mjs', image], {
      env: { TESTCONTAINERS_RYUK_DISABLED: 'true', TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1' },
      timeoutMs: 120_000,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ aud: 'api://default', clientId: 'service', users: expect.arrayContaining(['alice', 'bob', 'zoe']) });
  }, 600_000);
});
