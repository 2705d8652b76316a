import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import type { Announcement } from './servers/announce.ts';
import { TOKEN_REQUEST } from './token.ts';

export interface SoakResult {
  tokens: number;
  seconds: number;
  heapMiB: { start: number; peak: number; afterExpiry: number };
  rssMiB: { start: number; peak: number; afterExpiry: number };
}

const MiB = 2 ** 20;

/**
 * Issues `tokens` short-lived (5 s) opaque tokens, which the IdP stores, then waits for them to
 * expire and be swept, and reports the heap after a forced GC at each stage.
 */
export async function soak(tokens: number, onProgress: (done: number) => void): Promise<SoakResult> {
  const child = spawn(process.execPath, ['--expose-gc', 'bench/servers/soak-server.ts'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const announcement = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve))) as Announcement;
  const memory = async () => {
    child.send('memory');
    const [usage] = (await once(child, 'message')) as [NodeJS.MemoryUsage];
    return usage;
  };
  try {
    const start = await memory();
    const started = performance.now();
    let peak = start;
    let done = 0;
    const batch = 100_000;
    while (done < tokens) {
      const amount = Math.min(batch, tokens - done);
      const result = await new Promise<autocannon.Result>((resolve, reject) =>
        autocannon(
          {
            url: announcement.tokenUrl,
            method: 'POST',
            connections: 16,
            amount,
            ...TOKEN_REQUEST,
          },
          (error, value) => (error ? reject(error) : resolve(value)),
        ),
      );
      if (result.non2xx || result.errors) throw new Error(`soak: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
      done += amount;
      onProgress(done);
      const now = await memory();
      if (now.heapUsed > peak.heapUsed) peak = now;
    }
    const seconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 5_000 + 10_000 + 6_000)); // token lifetime + expiry bucket + one sweep
    const after = await memory();
    return {
      tokens,
      seconds: Math.round(seconds),
      heapMiB: { start: Math.round(start.heapUsed / MiB), peak: Math.round(peak.heapUsed / MiB), afterExpiry: Math.round(after.heapUsed / MiB) },
      rssMiB: { start: Math.round(start.rss / MiB), peak: Math.round(peak.rss / MiB), afterExpiry: Math.round(after.rss / MiB) },
    };
  } finally {
    child.kill('SIGTERM');
  }
}
