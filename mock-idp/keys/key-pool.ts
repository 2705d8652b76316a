import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';

/*
 * Making an RSA key is a search for primes: 100 to 400 ms here, longer than everything else a tenant needs at
 * start. Tenants that do not pin their keys take RSA keys from a pool made ahead of time, in the background, by
 * earlier starts. Each pooled key is claimed by an atomic rename and deleted as it is read, so it is served once:
 * every start still gets keys nobody has seen. The pool lives in the user's cache folder, readable by the user
 * only ($MOCKIDP_KEY_POOL, else $XDG_CACHE_HOME/mockidp/key-pool, else ~/.cache/mockidp/key-pool);
 * MOCKIDP_KEY_POOL=off turns it off. A pool that cannot be read or written is simply not used.
 */

const TARGET = 4;
const KEY_FILE = /^rsa-2048-[\w-]+\.json$/;

/** The pool folder, or undefined when the pool is off. */
function keyPoolDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env['MOCKIDP_KEY_POOL'];
  if (configured === 'off') return undefined;
  if (configured) return configured;
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'mockidp', 'key-pool');
}

/** A never-served RSA 2048 private JWK from the pool, or undefined when the pool is empty or off. */
export async function takePooledRsaKey(): Promise<JWK | undefined> {
  const directory = keyPoolDirectory();
  if (!directory) return undefined;
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names.filter((candidate) => KEY_FILE.test(candidate))) {
    const claimed = join(directory, `${name}.claimed-${process.pid}`);
    try {
      await rename(join(directory, name), claimed);
    } catch {
      continue; // another process claimed it first
    }
    try {
      const jwk = JSON.parse(await readFile(claimed, 'utf8')) as JWK;
      if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.d === 'string') return jwk;
    } catch {
      // an unreadable entry is dropped below, and the next one tried
    } finally {
      await rm(claimed, { force: true });
    }
  }
  return undefined;
}

/**
 * Tops the pool up to a few keys in a detached process of its own: it outlives a short-lived caller (a test file,
 * `serve` stopped at once), and only one runs at a time on a machine (its pid file). A process that dies mid-way
 * leaves at most an unfinished temporary file, which no one takes. Starting that process holds the calling thread
 * for a few milliseconds, so it starts after `delayMs` (once a new IdP has answered its first requests), or at
 * once on `now()` (when the IdP closes first); the pool folder is the one configured at the call.
 */
export function refillKeyPoolLater(delayMs: number): { now(): void } {
  const directory = keyPoolDirectory();
  if (!directory) return { now: () => undefined };
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    timer = undefined;
    refill(directory);
  }, delayMs).unref();
  return {
    now() {
      if (!timer) return;
      clearTimeout(timer);
      timer = undefined;
      refill(directory);
    },
  };
}

/** Tops the pool up now (after a key rotation took a key from it). */
export function refillKeyPool(): void {
  const directory = keyPoolDirectory();
  if (directory) refill(directory);
}

function refill(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    if (readdirSync(directory).filter((name) => KEY_FILE.test(name)).length >= TARGET || refillerRunning(directory)) return;
    const refiller = spawn(process.execPath, ['-e', REFILL, directory, String(TARGET), KEY_FILE.source], { detached: true, stdio: 'ignore' });
    refiller.unref();
    // Written here too, not only by the refiller once its Node has started, so a start right after this one sees it.
    if (refiller.pid) writeFileSync(join(directory, 'refill.pid'), String(refiller.pid), { mode: 0o600 });
  } catch {
    // no pool where it cannot be written: keys are made at start instead
  }
}

/** Whether a refill is under way on this machine (the bench waits for it, so one start's refill does not slow the next one it measures). */
export function keyPoolRefilling(): boolean {
  const directory = keyPoolDirectory();
  return directory !== undefined && refillerRunning(directory);
}

function refillerRunning(directory: string): boolean {
  try {
    process.kill(Number(readFileSync(join(directory, 'refill.pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

// At a low CPU priority (nice 10): on a small machine (CI's two cores) the key maker takes only what the IdP, its
// clients and the tests leave idle, instead of slowing the very requests a start-up is measured by.
const REFILL = `
try { require('node:os').setPriority(10); } catch {}
const { generateKeyPairSync, randomUUID } = require('node:crypto');
const { readdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const [directory, target, pattern] = process.argv.slice(1);
const keyFile = new RegExp(pattern);
const pidFile = join(directory, 'refill.pid');
writeFileSync(pidFile, String(process.pid), { mode: 0o600 });
try {
  while (readdirSync(directory).filter((name) => keyFile.test(name)).length < Number(target)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const id = randomUUID();
    const partial = join(directory, 'partial-' + id);
    writeFileSync(partial, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600 });
    renameSync(partial, join(directory, 'rsa-2048-' + id + '.json'));
  }
} finally {
  rmSync(pidFile, { force: true });
}
`;
