import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/*
 * Wall time of the built-in suite, as a user sees it (`mockidp run`, process start included):
 * one process at the default concurrency, one process running one scenario at a time, and the
 * run spread over two worker processes (--workers 2: shards 1/2 and 2/2, merged into one report),
 * in rounds that run each mode once.
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

const MODES: Array<{ mode: string; workers: number; args: string[] }> = [
  { mode: '1 process, concurrency 8 (default)', workers: 1, args: [] },
  { mode: '1 process, concurrency 1', workers: 1, args: ['--concurrency', '1'] },
  { mode: '2 worker processes (--workers 2)', workers: 2, args: ['--workers', '2'] },
];

/** A warm-up of each mode, then `runs` rounds in which every mode runs once, so a burst of load on the machine falls on all of them alike. */
export async function measureSuite(runs: number): Promise<SuiteTiming[]> {
  for (const { args } of MODES) await runOnce(args);
  const samples = MODES.map(() => [] as Array<Awaited<ReturnType<typeof runOnce>>>);
  for (let round = 0; round < runs; round += 1) for (const [index, { args }] of MODES.entries()) samples[index]!.push(await runOnce(args));
  return MODES.map(({ mode, workers }, index) => {
    const own = samples[index]!;
    const last = own[own.length - 1]!;
    return { mode, workers, scenarios: last.scenarios, passed: last.passed, failed: last.failed, wallMs: Math.round(median(own.map((sample) => sample.ms))) };
  });
}
