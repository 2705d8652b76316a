import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, createRemoteJWKSet, jwtVerify, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig, startMockIdp, type MockIdp } from '../../mock-idp/index.ts';

/*
 * RSA keys made ahead of time by earlier starts (mock-idp/keys/key-pool.ts): taken once each, refilled in the
 * background, private to the user, and never in the way when the pool is off or holds junk.
 */

let pool: string;
const started: MockIdp[] = [];
const savedEnv = { pool: process.env['MOCKIDP_KEY_POOL'], cache: process.env['XDG_CACHE_HOME'] };

beforeEach(async () => {
  pool = await mkdtemp(join(tmpdir(), 'mockidp-key-pool-'));
  process.env['MOCKIDP_KEY_POOL'] = pool;
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((idp) => idp.close()));
  process.env['MOCKIDP_KEY_POOL'] = savedEnv.pool;
  process.env['XDG_CACHE_HOME'] = savedEnv.cache;
  if (savedEnv.pool === undefined) delete process.env['MOCKIDP_KEY_POOL'];
  if (savedEnv.cache === undefined) delete process.env['XDG_CACHE_HOME'];
});

async function start(): Promise<MockIdp> {
  const idp = await startMockIdp({ ...defaultConfig, server: { logLevel: 'silent' } });
  started.push(idp);
  return idp;
}

async function poolKey(): Promise<string> {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JWK;
  await writeFile(join(pool, `rsa-2048-${crypto.randomUUID()}.json`), JSON.stringify(jwk), { mode: 0o600 });
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk;
  return calculateJwkThumbprint(publicPart);
}

async function rsaKid(idp: MockIdp): Promise<string> {
  const keys = await idp.admin.request<Array<{ kid: string; alg: string }>>('GET', '/tenants/default/keys');
  return keys.find((key) => key.alg === 'RS256')!.kid;
}

async function pooledKeyFiles(): Promise<string[]> {
  return (await readdir(pool)).filter((name) => /^rsa-2048-.*\.json$/.test(name));
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never happened: ${what}`);
}

describe('the RSA key pool', () => {
  it('gives each starting IdP a pooled key of its own, and serves no pooled key twice', async () => {
    const thumbprints = [await poolKey(), await poolKey()];
    // Started together, both take their keys before any refill can have made new ones.
    const [first, second] = await Promise.all([start(), start()]);
    const kids = [await rsaKid(first), await rsaKid(second)];
    expect(new Set(kids).size).toBe(2);
    expect(kids.every((kid) => thumbprints.includes(kid))).toBe(true);
  });

  it('signs with the pooled key: an ID token verifies against the JWKS', async () => {
    const thumbprint = await poolKey();
    const idp = await start();
    const { token } = await idp.admin.mint('default', { type: 'id_token', user: 'alice', client: 'demo', alg: 'RS256' });
    const issuer = idp.issuer('default');
    const { protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: 'demo' });
    expect(protectedHeader.kid).toBe(thumbprint);
  });

  it('is refilled when an IdP closes before it began refilling (a short-lived IdP still leaves keys for the next start)', async () => {
    const idp = await start();
    await idp.close();
    expect(existsSync(join(pool, 'refill.pid'))).toBe(true);
    await eventually(async () => (await pooledKeyFiles()).length >= 4, 'four keys in the pool');
  }, 60_000);

  it('is refilled in the background once an IdP serves, with files only their owner can read', async () => {
    await start();
    await eventually(async () => (await pooledKeyFiles()).length >= 4, 'four keys in the pool');
    expect((await stat(pool)).mode & 0o777).toBe(0o700);
    for (const name of await pooledKeyFiles()) {
      expect((await stat(join(pool, name))).mode & 0o777).toBe(0o600);
      const jwk = JSON.parse(await readFile(join(pool, name), 'utf8')) as JWK;
      expect(jwk).toMatchObject({ kty: 'RSA', e: 'AQAB' });
      expect(typeof jwk.d).toBe('string');
    }
  }, 60_000);

  it('is refilled by a process at a low CPU priority (nice 10), so it does not slow the IdP and its clients', async () => {
    await start();
    let pid = Number.NaN;
    await eventually(async () => {
      pid = Number(await readFile(join(pool, 'refill.pid'), 'utf8').catch(() => ''));
      return pid > 0;
    }, 'the refiller writing its pid file');
    expect(getPriority(pid)).toBe(10);
    await eventually(async () => !existsSync(join(pool, 'refill.pid')), 'the refiller finishing');
  }, 60_000);

  it('skips and removes pool files that are not RSA keys, and makes its key itself', async () => {
    await writeFile(join(pool, 'rsa-2048-broken.json'), 'not json', { mode: 0o600 });
    await writeFile(join(pool, 'rsa-2048-foreign.json'), JSON.stringify({ kty: 'EC', crv: 'P-256' }), { mode: 0o600 });
    const idp = await start();
    expect(await rsaKid(idp)).toMatch(/^[\w-]{43}$/);
    expect(existsSync(join(pool, 'rsa-2048-broken.json'))).toBe(false);
    expect(existsSync(join(pool, 'rsa-2048-foreign.json'))).toBe(false);
  });

  it('is not used, and not written, with MOCKIDP_KEY_POOL=off', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'mockidp-cache-'));
    process.env['XDG_CACHE_HOME'] = cache;
    process.env['MOCKIDP_KEY_POOL'] = 'off';
    const idp = await start();
    expect(await rsaKid(idp)).toMatch(/^[\w-]{43}$/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await readdir(cache)).toEqual([]);
  });

  it('lives in $XDG_CACHE_HOME/mockidp/key-pool when no folder is set', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'mockidp-cache-'));
    process.env['XDG_CACHE_HOME'] = cache;
    delete process.env['MOCKIDP_KEY_POOL'];
    await start();
    await eventually(async () => existsSync(join(cache, 'mockidp', 'key-pool')), 'the pool folder');
  });
});
