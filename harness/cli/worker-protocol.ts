import type { SuiteResult } from '../report/result.ts';
import type { SuiteEvent, SuiteOptions } from '../runner/suite.ts';

/*
 * What the parent of `mockidp run --workers N` and its worker processes say to each other over the IPC
 * channel: the parent sends a worker its shard's suite options; the worker sends its events as they happen,
 * then its whole result (or, when the run cannot start, why).
 */

/** Set by the parent in a worker's environment: the `run` command then takes its options from the parent. */
export const RUN_WORKER_ENV = 'MOCKIDP_RUN_WORKER';

export type ToWorker = { type: 'run'; options: SuiteOptions };

export type FromWorker = { type: 'event'; event: SuiteEvent } | { type: 'result'; result: SuiteResult } | { type: 'refused'; message: string };

export function isRunWorker(): boolean {
  return process.env[RUN_WORKER_ENV] === '1' && typeof process.send === 'function';
}
