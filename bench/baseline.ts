import { execFile } from 'node:child_process';
import { access, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/*
 * The code as it stood on 2026-11-24 (the figures issue #20 starts from), checked out of this repository's own
 * history into a temporary folder with its dependencies installed, so the suite and the login flows can be compared
 * with it on the same machine in the same run rather than with figures taken on another machine.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url));
const COMMIT = '4a8143d7868a01094ba4dc442b6490cd3541a6cd';
const run = promisify(execFile);

export const BASELINE_LABEL = `the 2026-11-24 code (${COMMIT.slice(0, 7)})`;

let checkout: Promise<string | { dir: string }> | undefined;

/** The checkout's folder (kept between bench runs), or why there is none. Prepared once per process. */
export function baselineCheckout(): Promise<string | { dir: string }> {
  checkout ??= prepare();
  return checkout;
}

async function prepare(): Promise<string | { dir: string }> {
  const dir = join(tmpdir(), `mockidp-bench-baseline-${COMMIT.slice(0, 7)}`);
  const ready = await access(join(dir, 'node_modules/.package-lock.json')).then(
    () => true,
    () => false,
  );
  if (ready) return { dir };
  const known = await run('git', ['-C', REPO, 'cat-file', '-e', `${COMMIT}^{commit}`]).then(
    () => true,
    () => false,
  );
  if (!known) return `commit ${COMMIT.slice(0, 7)} is not in this clone's history (a shallow clone?): fetch it to compare with it`;
  await rm(dir, { recursive: true, force: true });
  await run('git', ['-C', REPO, 'worktree', 'prune']);
  await run('git', ['-C', REPO, 'worktree', 'add', '--detach', '--force', dir, COMMIT]);
  await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  return { dir };
}
