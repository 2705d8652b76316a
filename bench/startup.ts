import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { spawnServer } from './spawn-server.ts';

export interface StartupTime {
  server: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

function summary(server: string, samples: number[]): StartupTime {
  const sorted = [...samples].sort((a, b) => a - b);
  return { server, medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]!), minMs: Math.round(sorted[0]!), maxMs: Math.round(sorted.at(-1)!), runs: samples.length };
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
async function cliOnce(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['harness/cli/bin.ts', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
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

export async function measureStartup(runs: number): Promise<StartupTime[]> {
  const results: StartupTime[] = [];
  const measure = async (name: string, once: () => Promise<number>) => {
    await once(); // warm the compile cache and the file system cache
    const samples: number[] = [];
    for (let run = 0; run < runs; run += 1) samples.push(await once());
    results.push(summary(name, samples));
  };
  await measure('mockidp serve (CLI, default config)', cliOnce);
  await measure('startMockIdp() in a running process', programmaticOnce);
  await measure('bare oidc-provider', () => scriptOnce('bench/servers/bare-oidc-provider.ts'));
  await measure('oauth2-mock-server', () => scriptOnce('bench/servers/oauth2-mock-server.ts'));
  return results;
}
