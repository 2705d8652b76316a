import { fork } from 'node:child_process';
import { mergeResults } from '../report/merge.ts';
import type { SuiteResult } from '../report/result.ts';
import { createReporters, type ReportOptions, writeReports } from '../report/write-reports.ts';
import type { SuiteEvent, SuiteOptions } from '../runner/suite.ts';
import { SuiteError } from '../runner/suite-error.ts';
import { type FromWorker, RUN_WORKER_ENV, type ToWorker } from './worker-protocol.ts';

/*
 * `mockidp run --workers N`: N processes of this CLI, the i-th running shard i/N of the scenarios with an IdP
 * and reference components of its own, so that a suite bound by one thread's CPU uses several cores. Their
 * results reach the reporters here as they arrive (one progress count over every worker), and the reports
 * are those of `mockidp report merge` over the workers' results. This process loads none of the runner.
 */

type StartEvent = Extract<SuiteEvent, { type: 'start' }>;

interface Worker {
  done: Promise<SuiteResult>;
  stop(): void;
}

/** One worker process (the CLI at `entry`, in the same Node with the same flags), running `options`. */
function startWorker(entry: string, label: string, options: SuiteOptions, onEvent: (event: SuiteEvent) => void): Worker {
  const child = fork(entry, ['run'], { env: { ...process.env, [RUN_WORKER_ENV]: '1' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let result: SuiteResult | undefined;
  let refusal: string | undefined;
  child.on('message', (message: FromWorker) => {
    if (message.type === 'event') onEvent(message.event);
    else if (message.type === 'result') result = message.result;
    else refusal = message.message;
  });
  child.send({ type: 'run', options } satisfies ToWorker);
  const done = new Promise<SuiteResult>((resolve, reject) => {
    child.on('error', (error) => reject(new SuiteError(`${label} could not start: ${error.message}`)));
    // 'close' comes after the last message: a result that was sent has arrived.
    child.on('close', (code, signal) => {
      if (result) resolve(result);
      else reject(new SuiteError(refusal ?? `${label} stopped (${signal ?? `exit code ${code}`}) before it sent its results`));
    });
  });
  return { done, stop: () => child.kill() };
}

/**
 * The workers' events as one run's: a single start (once every worker has started: the total is theirs
 * together), then each result numbered in the order it arrives; notices say which worker they come from.
 */
function mergedEvents(workers: number, emit: (event: SuiteEvent) => void): (worker: number, event: SuiteEvent) => void {
  const starts: Array<StartEvent | undefined> = new Array(workers).fill(undefined);
  const early: Array<[number, SuiteEvent]> = [];
  let total = 0;
  let done = 0;
  const pass = (worker: number, event: SuiteEvent) => {
    if (event.type === 'scenario-end') emit({ ...event, done: ++done, total });
    else if (event.type === 'notice') emit({ ...event, message: `worker ${worker + 1}/${workers}: ${event.message}` });
  };
  return (worker, event) => {
    if (event.type !== 'start') {
      if (starts.every(Boolean)) pass(worker, event);
      else early.push([worker, event]);
      return;
    }
    starts[worker] = event;
    if (!starts.every(Boolean)) return;
    const all = starts as StartEvent[];
    total = all.reduce((sum, start) => sum + start.total, 0);
    emit({ type: 'start', total, idpUrl: all.map((start) => start.idpUrl).join(', '), targets: Object.assign({}, ...all.map((start) => start.targets)) });
    for (const [from, waiting] of early.splice(0)) pass(from, waiting);
  };
}

/** Runs the suite in `workers` processes of the CLI at `entry` and writes the merged reports. */
export async function runInWorkers(
  options: SuiteOptions,
  workers: number,
  report: ReportOptions,
  entry: string,
): Promise<{ result: SuiteResult; written: string[] }> {
  const reporters = createReporters(report);
  const started = performance.now();
  const onEvent = mergedEvents(workers, (event) => {
    for (const { reporter } of reporters) reporter.onEvent?.(event);
  });
  const { onEvent: _live, ...plain } = options;
  const running = Array.from({ length: workers }, (_, index) =>
    startWorker(entry, `worker ${index + 1}/${workers}`, { ...plain, shard: { index: index + 1, total: workers } }, (event) => onEvent(index, event)),
  );
  let results: SuiteResult[];
  try {
    results = await Promise.all(running.map((worker) => worker.done));
  } catch (error) {
    for (const worker of running) worker.stop();
    throw error;
  }
  // The run's own wall time (workers' start included), not the slowest worker's.
  const result = { ...mergeResults(results), ms: Math.round(performance.now() - started) };
  return { result, written: await writeReports(result, reporters) };
}
