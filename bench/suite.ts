import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/*
 * Wall time of the built-in suite, as a user sees it (`mockidp run`, process start included):
 * one process at the default concurrency, one process running one scenario at a time, and the
 * run spread over two worker processes (--workers 2: shards 1/2 and 2/2, merged into one report).
 */

const MOCKIDP = fileURLToPath(new URL('../harness/cli/bin.ts', import.meta.url));

export interface SuiteTiming {
  mode: string;
  workers: number;
  scenarios: number;
  passed: number;
  failed: number;
  wallMs: number;
}

async function runOnce(args: string[]): Promise<{ ms: number; scenarios: number; passed: number; failed: number }> {
  const out = await mkdtemp(join(tmpdir(), 'mockidp-bench-suite-'));
  const started = performance.now();
  await promisify(execFile)(process.execPath, [MOCKIDP, 'run', 'scenarios', '--reporter', 'json', '--out', out, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { code?: number }) => {
    if (error.code !== 1) throw error;
  });
  const ms = performance.now() - started;
  const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { summary: { total: number; passed: number; failed: number } };
  return { ms, scenarios: result.summary.total, passed: result.summary.passed, failed: result.summary.failed };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(
  mode: string,
  workers: number,
  runs: number,
  once: () => Promise<{ ms: number; scenarios: number; passed: number; failed: number }>,
): Promise<SuiteTiming> {
  await once();
  const samples = [];
  for (let run = 0; run < runs; run += 1) samples.push(await once());
  const last = samples[samples.length - 1]!;
  return { mode, workers, scenarios: last.scenarios, passed: last.passed, failed: last.failed, wallMs: Math.round(median(samples.map((sample) => sample.ms))) };
}

export async function measureSuite(runs: number): Promise<SuiteTiming[]> {
  return [
    await timed('1 process, concurrency 8 (default)', 1, runs, () => runOnce([])),
    await timed('1 process, concurrency 1', 1, runs, () => runOnce(['--concurrency', '1'])),
    await timed('2 worker processes (--workers 2)', 2, runs, () => runOnce(['--workers', '2'])),
  ];
}
