import { HarnessError } from '../errors.ts';
import { runSuite, type SuiteEvent } from '../runner/suite.ts';
import { type FromWorker, RUN_WORKER_ENV, type ToWorker } from './worker-protocol.ts';

/*
 * A worker of `mockidp run --workers N`: runs the shard the parent sends, with its own IdP and reference
 * components, and reports back over the IPC channel. It writes no report: the parent merges every worker's
 * results into one.
 */

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

/** The events the parent needs for its progress: scenario results without steps and traces (the final result has them). */
function forParent(event: SuiteEvent): SuiteEvent | undefined {
  if (event.type === 'scenario-start') return undefined;
  if (event.type === 'scenario-end') return { ...event, result: { ...event.result, steps: [], trace: [] } };
  return event;
}

export async function runAsWorker(): Promise<number> {
  // Processes this one starts (targets run as commands) are not workers.
  delete process.env[RUN_WORKER_ENV];
  const { options } = await new Promise<ToWorker>((resolve) => process.once('message', resolve));
  try {
    const result = await runSuite({
      ...options,
      onEvent: (event) => {
        const message = forParent(event);
        if (message) send({ type: 'event', event: message }).catch(() => undefined);
      },
    });
    await send({ type: 'result', result });
    return result.summary.failed > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof HarnessError)) throw error;
    await send({ type: 'refused', message: error.message });
    return 2;
  } finally {
    if (process.connected) process.disconnect();
  }
}
