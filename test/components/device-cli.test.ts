import { afterEach, describe, expect, it } from 'vitest';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runDeviceCli, SESSION_FILE_MODE } from '../../components/index.ts';
import { startComponentIdp } from './support/idp.ts';
import { deviceWorld } from './support/device-world.ts';

const idp = await startComponentIdp();
const issuer = idp.issuer('default');
const login = ['login', '--issuer', issuer, '--client-id', 'cli-opaque'];

afterEach(async () => {
  await idp.admin.clock.set('default', { offsetSeconds: 0 });
});

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

describe('device CLI: login', () => {
  it('prints the verification URL and user code, and logs in once the user approves', async () => {
    const world = await deviceWorld(idp);
    expect(await world.run(login)).toBe(0);
    const out = world.stdout.join('');
    expect(out).toMatch(new RegExp(`open ${issuer}/device and enter the code: [A-Z]{4}-[A-Z]{4}`));
    expect(out).toContain('Logged in as alice');
  });

  it('stores the session in a file only its owner can read (0600, in a 0700 directory)', async () => {
    const world = await deviceWorld(idp);
    await world.run(login);
    expect((await stat(world.sessionPath)).mode & 0o777).toBe(SESSION_FILE_MODE);
    expect((await stat(dirname(world.sessionPath))).mode & 0o777).toBe(0o700);
    expect(await readJson(world.sessionPath)).toMatchObject({
      version: 1,
      issuer,
      client_id: 'cli-opaque',
      subject: 'alice',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    });
  });

  it('waits the announced interval before each poll', async () => {
    const world = await deviceWorld(idp, { person: { onWait: 3 } });
    expect(await world.run(login)).toBe(0);
    expect(world.sleeps).toEqual([5000, 5000, 5000]);
  });

  it('adds 5 seconds to its interval after slow_down and still logs in', async () => {
    // the first two waits take only 3 s on the IdP's clock, so the second poll comes too soon
    const world = await deviceWorld(idp, { person: { onWait: 3 }, elapsed: (wait, asked) => (wait <= 2 ? 3000 : asked) });
    expect(await world.run(login)).toBe(0);
    expect(world.sleeps).toEqual([5000, 5000, 10000]);
    expect(world.stderr.join('')).toContain('polling every 10 s');
  });

  it('fails with exit code 1 when the user denies the login', async () => {
    const world = await deviceWorld(idp, { person: { decision: 'deny' } });
    expect(await world.run(login)).toBe(1);
    expect(world.stderr.join('')).toContain('denied');
  });

  it('gives up when the code expires before anyone approves it', async () => {
    const world = await deviceWorld(idp, { person: 'absent', elapsed: (wait, asked) => (wait === 1 ? 601_000 : asked) });
    expect(await world.run(login)).toBe(1);
    expect(world.stderr.join('')).toMatch(/expired before it was approved/);
  });

  it('stops when the IdP answers expired_token', async () => {
    const world = await deviceWorld(idp, { person: 'absent', idpJump: { onWait: 1, seconds: 700 } });
    expect(await world.run(login)).toBe(1);
    expect(world.stderr.join('')).toMatch(/expired before it was approved/);
    expect(world.sleeps).toHaveLength(1);
  });

  it('fails with a clear message when the IdP cannot be reached', async () => {
    const world = await deviceWorld(idp);
    expect(await world.run(['login', '--issuer', 'http://127.0.0.1:9/default', '--client-id', 'cli', '--timeout-ms', '2000'])).toBe(1);
    expect(world.stderr.join('')).toContain('unreachable');
  });

  it('fails when the client may not use the device flow', async () => {
    const world = await deviceWorld(idp);
    expect(await world.run(['login', '--issuer', issuer, '--client-id', 'lakefs-public'])).toBe(1);
    expect(world.stderr.join('')).toContain('refused the device authorization');
  });

  it('fails naming the field when the token response has one of the wrong type', async () => {
    const rule = await idp.admin.faults.add('default', { match: { endpoint: 'token', client: 'cli-opaque' }, action: { json: { set: { id_token: 42 } } } });
    try {
      const world = await deviceWorld(idp);
      expect(await world.run(login)).toBe(1);
      expect(world.stderr.join('')).toContain('the token response is not usable: id_token: expected string');
    } finally {
      await idp.admin.faults.remove('default', rule.id);
    }
  });
});

describe('device CLI: token, refresh, status, logout', () => {
  it('prints the stored access token while it is valid', async () => {
    const world = await deviceWorld(idp);
    await world.run(login);
    world.stdout.length = 0;
    expect(await world.run(['token'])).toBe(0);
    expect(world.stdout.join('').trim()).toBe((await readJson(world.sessionPath))['access_token']);
  });

  it('refreshes the access token once it is about to expire, and stores the rotated refresh token', async () => {
    const world = await deviceWorld(idp);
    await world.run(login);
    const before = await readJson(world.sessionPath);
    await world.advance(3590);
    world.stdout.length = 0;
    expect(await world.run(['token'])).toBe(0);
    const after = await readJson(world.sessionPath);
    expect(world.stdout.join('').trim()).toBe(after['access_token']);
    expect(after['access_token']).not.toBe(before['access_token']);
    expect(after['refresh_token']).not.toBe(before['refresh_token']);
  });

  it('keeps the session file at mode 0600 after a refresh', async () => {
    const world = await deviceWorld(idp);
    await world.run(login);
    expect(await world.run(['refresh'])).toBe(0);
    expect((await stat(world.sessionPath)).mode & 0o777).toBe(0o600);
  });

  it('asks to log in again when the IdP revoked the session', async () => {
    const world = await deviceWorld(idp);
    await world.run(login);
    await idp.admin.revokeGrants('default', { user: 'alice', client: 'cli-opaque' });
    expect(await world.run(['refresh'])).toBe(1);
    expect(world.stderr.join('')).toMatch(/invalid_grant.*run login again/);
  });

  it('shows who is logged in with status', async () => {
    const world = await deviceWorld(idp);
    await world.run(login);
    world.stdout.length = 0;
    expect(await world.run(['status'])).toBe(0);
    expect(world.stdout.join('')).toMatch(/Logged in as alice at .* \(client cli-opaque\)/);
  });

  it('removes the session file at logout and revokes its refresh token', async () => {
    const world = await deviceWorld(idp);
    await world.run(login);
    const { refresh_token: refreshToken } = await readJson(world.sessionPath);
    expect(await world.run(['logout'])).toBe(0);
    await expect(stat(world.sessionPath)).rejects.toMatchObject({ code: 'ENOENT' });
    const reuse = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(refreshToken), client_id: 'cli-opaque' }),
    });
    expect(((await reuse.json()) as { error?: string }).error).toBe('invalid_grant');
  });

  it('says so when token is asked for without a session', async () => {
    const world = await deviceWorld(idp);
    expect(await world.run(['token'])).toBe(1);
    expect(world.stderr.join('')).toContain('not logged in');
  });

  it('refuses a session file that other users can read', async () => {
    const world = await deviceWorld(idp);
    await world.run(login);
    await chmod(world.sessionPath, 0o644);
    expect(await world.run(['token'])).toBe(1);
    expect(world.stderr.join('')).toContain(`chmod 600 ${world.sessionPath}`);
  });

  it('refuses a session file that is not JSON', async () => {
    const world = await deviceWorld(idp);
    await world.run(login);
    await writeFile(world.sessionPath, 'garbage', { mode: 0o600 });
    expect(await world.run(['status'])).toBe(1);
    expect(world.stderr.join('')).toContain('is not valid JSON');
  });
});

describe('device CLI: usage', () => {
  const io = () => {
    const err: string[] = [];
    return { err, io: { stdout: { write: () => undefined }, stderr: { write: (text: string) => err.push(text) } } };
  };

  it('exits 2 naming --issuer when login has none', async () => {
    const { err, io: streams } = io();
    expect(await runDeviceCli(['login', '--client-id', 'cli'], streams)).toBe(2);
    expect(err.join('')).toContain('login needs --issuer URL');
  });

  it('exits 2 for an unknown command', async () => {
    const { err, io: streams } = io();
    expect(await runDeviceCli(['signin'], streams)).toBe(2);
    expect(err.join('')).toContain('unknown command "signin"');
  });

  it('exits 2 for an unknown option', async () => {
    const { io: streams } = io();
    expect(await runDeviceCli(['login', '--isuer', issuer], streams)).toBe(2);
  });

  it('exits 2 for a flaw of another component', async () => {
    const { err, io: streams } = io();
    expect(await runDeviceCli(['status', '--flaw', 'skip-aud-check'], streams)).toBe(2);
    expect(err.join('')).toContain('belongs to the authenticator');
  });
});
