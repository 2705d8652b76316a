import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';

/*
 * What users get: the package packed with `npm pack` (prepack builds dist/), installed from the tarball
 * into a temporary project outside this repository (so nothing resolves through the repository's own
 * node_modules), with the npm cache reused. Both are built once per content of the package's sources
 * and shared by every test file and every vitest worker (a file lock orders them).
 */

const exec = promisify(execFile);
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PACKED_INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts',
  'README.md',
  'LICENSE',
  'common',
  'mock-idp',
  'harness',
  'components',
  'fixtures',
  'scenarios',
];
const CACHE = join(tmpdir(), 'mockidp-package');

/**
 * Node versions other than this test run's (24), installed beside the consumer project through the `node` npm
 * package: the oldest the package supports (engines). Node 26 is not an LTS release yet (process.release.lts is
 * unset in 26.10), and oidc-provider warns on it.
 */
export const NODES = { oldest: '22.23.3' } as const;
export type NodeChoice = 'current' | keyof typeof NODES;

const CONSUMER_DEPENDENCIES = {
  jose: '6.2.18',
  typescript: '7.0.2',
  'typescript-5': 'npm:typescript@5.9.3',
  '@types/node': '24.19.2',
  vitest: '5.1.1',
  jest: '30.5.2',
  '@jest/globals': '30.5.2',
  testcontainers: '12.2.0',
};

async function sourceFiles(path: string): Promise<string[]> {
  const absolute = join(REPO, path);
  if (!existsSync(absolute)) return [];
  if (!(await stat(absolute)).isDirectory()) return [absolute];
  const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts')).map((entry) => join(entry.parentPath, entry.name));
}

/** A digest of everything that goes into the tarball: a change to any of it packs again. */
export async function packageDigest(): Promise<string> {
  const files = (await Promise.all(PACKED_INPUTS.map(sourceFiles))).flat().sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(relative(REPO, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

async function withLock<T>(directory: string, build: () => Promise<T>): Promise<T> {
  await mkdir(directory, { recursive: true });
  const release = await lockfile.lock(directory, {
    lockfilePath: `${directory}.lock`,
    stale: 60_000,
    update: 5_000,
    retries: { retries: 600, minTimeout: 250, maxTimeout: 1_000 },
  });
  try {
    return await build();
  } finally {
    await release();
  }
}

async function cacheDir(): Promise<string> {
  const directory = join(CACHE, await packageDigest());
  await pruneOldCaches(directory);
  return directory;
}

async function pruneOldCaches(keep: string): Promise<void> {
  const day = 24 * 3600_000;
  for (const entry of await readdir(CACHE).catch(() => [])) {
    const path = join(CACHE, entry);
    if (path === keep || path === `${keep}.lock`) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > day) await rm(path, { recursive: true, force: true });
  }
}

/** The packed tarball of this repository (`npm pack`, which builds dist/ through prepack). */
export async function packedTarball(): Promise<string> {
  const directory = await cacheDir();
  return withLock(directory, async () => {
    const existing = (await readdir(directory)).find((name) => name.endsWith('.tgz'));
    if (existing) return join(directory, existing);
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', directory], { cwd: REPO, maxBuffer: 64 * 1024 * 1024, env: npmEnv() });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
    return join(directory, packed!.filename);
  });
}

/** The files in the tarball, as npm lists them (paths relative to the package root). */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await exec('tar', ['-tzf', tarball], { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^package\//, ''));
}

export interface Consumer {
  /** The project folder (outside this repository). */
  dir: string;
  /** Node 24 (this test run's) and the oldest supported Node, installed beside the project. */
  node: Record<NodeChoice, string>;
  /** Runs a command in the project with `node` on PATH being the chosen Node; resolves with its output. */
  run(command: string, args: string[], options?: RunOptions): Promise<RunResult>;
  /** Starts a long-running command in the project (same PATH rules). */
  start(command: string, args: string[], options?: RunOptions): ChildProcess;
  /** Writes a file of the project (folders created). */
  write(path: string, text: string): Promise<string>;
}

export interface RunOptions {
  node?: NodeChoice;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Start in a process group of its own (so that a signal can reach the whole group, as a terminal's Ctrl-C does). */
  detached?: boolean;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A project of a user's: mockidp installed from the tarball next to the test tools a user would have. */
export async function consumerProject(): Promise<Consumer> {
  const tarball = await packedTarball();
  const directory = dirname(tarball);
  const dir = join(directory, 'consumer');
  // Each other Node lives in a folder of its own, so that the project's node_modules/.bin/node stays unset.
  const nodeDir = (choice: keyof typeof NODES) => join(directory, `node-${choice}`);
  const nodeBinary = (choice: keyof typeof NODES) => join(nodeDir(choice), 'node_modules', 'node', 'bin', 'node');
  await withLock(dir, async () => {
    if (
      existsSync(join(dir, 'node_modules', 'mockidp', 'package.json')) &&
      Object.keys(NODES).every((choice) => existsSync(nodeBinary(choice as keyof typeof NODES)))
    )
      return;
    const dependencies = { mockidp: `file:${tarball}`, ...CONSUMER_DEPENDENCIES };
    await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'mockidp-consumer', private: true, type: 'module', dependencies }, null, 2)}\n`);
    await npmInstall(dir);
    for (const [choice, version] of Object.entries(NODES) as Array<[keyof typeof NODES, string]>) {
      await mkdir(nodeDir(choice), { recursive: true });
      await writeFile(
        join(nodeDir(choice), 'package.json'),
        `${JSON.stringify({ name: `node-${choice}`, private: true, dependencies: { node: version } }, null, 2)}\n`,
      );
      await npmInstall(nodeDir(choice));
    }
  });
  const node: Record<NodeChoice, string> = { current: process.execPath, oldest: nodeBinary('oldest') };
  const environment = (options: RunOptions = {}) => {
    const binDir = dirname(node[options.node ?? 'current']);
    const path = [binDir, join(dir, 'node_modules', '.bin'), ...(process.env['PATH'] ?? '').split(delimiter).filter((entry) => !entry.startsWith(REPO))].join(
      delimiter,
    );
    return { ...npmEnv(), PATH: path, ...options.env };
  };
  return {
    dir,
    node,
    run(command, args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: dir, env: environment(options), stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 120_000 });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    start(command, args, options = {}) {
      return spawn(command, args, { cwd: dir, env: environment(options), stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
    },
    async write(path, text) {
      const absolute = join(dir, path);
      await mkdir(dirname(absolute), { recursive: true });
      await writeFile(absolute, text);
      return absolute;
    },
  };
}

async function npmInstall(cwd: string): Promise<void> {
  await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 });
}

/** The environment of npm and of the user's commands: without this test run's npm_* variables (npm test sets them). */
function npmEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !/^npm_(?!config_cache$)/i.test(entry[0])),
  );
}
