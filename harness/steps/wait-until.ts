import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { StepFailure } from '../runner/step-failure.ts';
import { durationSchema, toMs } from '../scenario/duration.ts';
import { defineStep } from './step.ts';

/*
 * Repeats a step until its expectation holds: a target that becomes ready, a journal entry that
 * appears after a background refresh. Fails with the last mismatch when the time is up.
 */

const args = z.strictObject({
  step: z.record(z.string(), z.unknown()).describe('The step to repeat, with the `expect` that ends the wait.'),
  timeout: durationSchema.default('5s').describe('Give up after this long.'),
  every: durationSchema.default('100ms').describe('Pause between attempts.'),
});

type Args = z.output<typeof args>;

export const waitUntilStep = defineStep<Args>({
  name: 'wait_until',
  summary: 'Repeats a step until its expect holds (or the time is up).',
  schema: args,
  interpolate: false,
  label: (a) => `wait until ${Object.keys(a.step).filter((key) => !['expect', 'name', 'as', 'timeout'].includes(key))[0] ?? 'step'} passes`,
  check(a, scenario, nestedSteps) {
    if (a.step['expect'] === undefined) return { field: 'step.expect', message: 'the repeated step needs an "expect": it says when to stop waiting' };
    if (Object.keys(a.step).some((key) => key === 'wait_until')) return { field: 'step', message: 'wait_until cannot repeat another wait_until' };
    const nested = nestedSteps.parse(a.step, 0);
    if (typeof nested === 'string') return { field: 'step', message: nested };
    const inner = nestedSteps.check(nested, scenario);
    return inner ? { field: `step.${nested.kind}${inner.field ? `.${inner.field}` : ''}`, message: inner.message } : undefined;
  },
  async run(ctx, a, nestedSteps) {
    const parsed = nestedSteps.parse(a.step, ctx.step);
    if (typeof parsed === 'string') throw new StepFailure(`wait_until: ${parsed}`);
    const deadline = performance.now() + toMs(a.timeout);
    const every = toMs(a.every);
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const { outcome, mismatches, error } = await nestedSteps.run(ctx, parsed);
      if (!error && mismatches.length === 0) return { ...outcome, value: { attempts, outcome: outcome.value } };
      if (performance.now() + every > deadline || ctx.signal.aborted) {
        const last = error ? error.message : mismatches.map((mismatch) => `${mismatch.path}: ${mismatch.message}`).join('; ');
        throw new StepFailure(`still not there after ${attempts} attempt(s) in ${toMs(a.timeout)} ms; last: ${last}`);
      }
      await delay(every, undefined, { signal: ctx.signal }).catch(() => undefined);
    }
  },
});
