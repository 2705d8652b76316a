import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { spawnServer } from './spawn-server.ts';
import { consumerProject } from '../test/support/package.ts';
import { keyPoolRefilling } from '../mock-idp/keys/key-pool.ts';

export interface StartupTime {
  server: string;
  /** A process started from nothing, or a server started inside a process that runs already (a test file). */
  group: 'process' | 'in-process';
  /** A peer (not mockidp). */
  peer: boolean;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

function summary(server: string, group: StartupTime['group'], samples: number[]): StartupTime {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    server,
    group,
    peer: !server.startsWith('mockidp') && !server.startsWith('startMockIdp'),
    medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]!),
    minMs: Math.round(sorted[0]!),
    maxMs: Math.round(sorted.at(-1)!),
    runs: samples.length,
  };
}

async function waitForDiscovery(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** `mockidp serve` from process start until the default tenant's discovery answers. */
async function cliOnce(entry: string, cwd = process.cwd()): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [entry, 'serve', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const url = await new Promise<string>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
  });
  await waitForDiscovery(`${url}/default/.well-known/openid-configuration`);
  const elapsed = performance.now() - started;
  child.kill('SIGTERM');
  await once(child, 'exit');
  return elapsed;
}

/** A server script from process start until its discovery answers. */
async function scriptOnce(script: string): Promise<number> {
  const started = performance.now();
  const server = await spawnServer(script, ['RS256']);
  await waitForDiscovery(server.discoveryUrl);
  const elapsed = performance.now() - started;
  await server.stop();
  return elapsed;
}

/** startMockIdp() inside an already running process (the vitest/jest use). */
async function programmaticOnce(): Promise<number> {
  const { startMockIdp, defaultConfig } = await import('../mock-idp/index.ts');
  const started = performance.now();
  const idp = await startMockIdp({ ...defaultConfig, server: { logLevel: 'silent' } });
  await waitForDiscovery(`${idp.issuer('default')}/.well-known/openid-configuration`);
  const elapsed = performance.now() - started;
  await idp.close();
  return elapsed;
}

/** oauth2-mock-server started inside an already running process, with the RSA key it needs to sign. */
async function oauth2MockServerOnce(): Promise<number> {
  const { OAuth2Server } = await import('oauth2-mock-server');
  const started = performance.now();
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  await waitForDiscovery(`${server.issuer.url}/.well-known/openid-configuration`);
  const elapsed = performance.now() - started;
  await server.stop();
  return elapsed;
}

/** Waits (up to 10 s) for the background refill of mockidp's RSA key pool that the last start began to end. */
async function keyPoolQuiet(): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (keyPoolRefilling() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

export async function measureStartup(runs: number): Promise<StartupTime[]> {
  // What users run: the package installed from the packed tarball into a project of theirs.
  const consumer = await consumerProject();
  const contenders: Array<[string, StartupTime['group'], () => Promise<number>]> = [
    ['mockidp serve (installed from the tarball)', 'process', () => cliOnce(join(consumer.dir, 'node_modules/mockidp/dist/cli/mockidp.js'), consumer.dir)],
    ['mockidp serve (this checkout, .ts sources)', 'process', () => cliOnce('harness/cli/bin.ts')],
    ['bare oidc-provider', 'process', () => scriptOnce('bench/servers/bare-oidc-provider.mjs')],
    ['oauth2-mock-server', 'process', () => scriptOnce('bench/servers/oauth2-mock-server.mjs')],
    ['startMockIdp() in a running process', 'in-process', programmaticOnce],
    ['oauth2-mock-server in a running process', 'in-process', oauth2MockServerOnce],
  ];
  // One warm-up each (compile cache, file system cache), then round robin, so that a burst of load on
  // the machine falls on every contender alike rather than on whichever was being measured.
  for (const [, , once] of contenders) await once();
  const samples = contenders.map((): number[] => []);
  for (let run = 0; run < runs; run += 1) {
    for (const [index, [, , once]] of contenders.entries()) {
      await keyPoolQuiet();
      samples[index]!.push(await once());
    }
  }
  return contenders.map(([name, group], index) => summary(name, group, samples[index]!));
}
