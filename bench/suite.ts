import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BASELINE_LABEL, baselineCheckout } from './baseline.ts';

/*
 * Wall time of the built-in suite, as a user sees it (`mockidp run`, process start included):
 * one process at the default concurrency, one process running one scenario at a time, and the
 * run spread over two worker processes (--workers 2: shards 1/2 and 2/2, merged into one report),
 * in rounds that run each mode once. Beside them, the same suite as it stood on 2026-11-24 (bench/baseline.ts), so
 * the time a scenario is compared on the same machine in the same run rather than with a figure taken elsewhere.
 */

const MOCKIDP = fileURLToPath(new URL('../harness/cli/bin.ts', import.meta.url));
const BASELINE_MODE = `${BASELINE_LABEL}, concurrency 8`;
const run = promisify(execFile);

export interface SuiteTiming {
  mode: string;
  workers: number;
  scenarios: number;
  passed: number;
  failed: number;
  wallMs: number;
  /** Time a scenario over the 2026-11-24 code's in the same run (absent on the baseline's own row, or without it). */
  ratioToBaseline?: number;
}

interface Mode {
  mode: string;
  workers: number;
  args: string[];
  cli?: string;
  scenarios?: string;
}

async function runOnce({ args, cli = MOCKIDP, scenarios = 'scenarios' }: Mode): Promise<{ ms: number; scenarios: number; passed: number; failed: number }> {
  const out = await mkdtemp(join(tmpdir(), 'mockidp-bench-suite-'));
  const started = performance.now();
  await run(process.execPath, [cli, 'run', scenarios, '--reporter', 'json', '--out', out, ...args], {
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

const MODES: Mode[] = [
  { mode: '1 process, concurrency 8 (default)', workers: 1, args: [] },
  { mode: '1 process, concurrency 1', workers: 1, args: ['--concurrency', '1'] },
  { mode: '2 worker processes (--workers 2)', workers: 2, args: ['--workers', '2'] },
];

/** The 2026-11-24 code's own CLI and scenarios, or why it cannot be run. */
async function baselineMode(): Promise<Mode | string> {
  const checkout = await baselineCheckout();
  if (typeof checkout === 'string') return checkout;
  return { mode: BASELINE_MODE, workers: 1, args: [], cli: join(checkout.dir, 'bin/mockidp.js'), scenarios: join(checkout.dir, 'scenarios') };
}

/**
 * A warm-up of each mode, then `runs` rounds in which every mode runs once, so a burst of load on the machine falls
 * on all of them alike. `note` hears why the baseline is left out, when it is.
 */
export async function measureSuite(runs: number, note: (line: string) => void): Promise<SuiteTiming[]> {
  const baseline = await baselineMode();
  if (typeof baseline === 'string') note(baseline);
  const modes = typeof baseline === 'string' ? MODES : [...MODES, baseline];
  for (const mode of modes) await runOnce(mode);
  const samples = modes.map(() => [] as Array<Awaited<ReturnType<typeof runOnce>>>);
  for (let round = 0; round < runs; round += 1) for (const [index, mode] of modes.entries()) samples[index]!.push(await runOnce(mode));
  const timings: SuiteTiming[] = modes.map(({ mode, workers }, index) => {
    const own = samples[index]!;
    const last = own[own.length - 1]!;
    return { mode, workers, scenarios: last.scenarios, passed: last.passed, failed: last.failed, wallMs: Math.round(median(own.map((sample) => sample.ms))) };
  });
  const perScenario = (row: SuiteTiming) => row.wallMs / row.scenarios;
  const baselineRow = timings.find((row) => row.mode === BASELINE_MODE);
  if (baselineRow) for (const row of timings) if (row !== baselineRow) row.ratioToBaseline = perScenario(row) / perScenario(baselineRow);
  return timings;
}
