import { z } from 'zod';
import { outcomeVariable } from '../assertions/outcome.ts';
import { StepFailure } from '../runner/step-failure.ts';
import type { ScenarioStep } from '../scenario/model.ts';
import { defineStep, type NestedSteps } from './step.ts';

/*
 * Starts several steps at the same moment and waits for all of them: the same code redeemed twice
 * at once, two refreshes racing with one refresh token. The nested steps have no expect of their
 * own; this step's expect judges them together (value.status_counts: {"200": 1, "401": 1}).
 */

const NOT_NESTABLE = ['parallel', 'wait_until', 'restart_idp'];

const args = z.strictObject({
  steps: z
    .array(z.record(z.string(), z.unknown()))
    .min(2)
    .max(16)
    .describe("The steps started together (2 to 16), without expect: this step's expect judges their outcomes together."),
});

type Args = z.output<typeof args>;

function parseAll(a: Args, base: number, nested: Pick<NestedSteps, 'parse'>): ScenarioStep[] | { index: number; message: string } {
  const steps: ScenarioStep[] = [];
  for (const [index, raw] of a.steps.entries()) {
    const parsed = nested.parse(raw, base);
    if (typeof parsed === 'string') return { index, message: parsed };
    steps.push(parsed);
  }
  return steps;
}

function countBy(values: unknown[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) if (value !== undefined) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

export const parallelStep = defineStep<Args>({
  name: 'parallel',
  summary: 'Starts several steps at the same moment (a code redeemed twice at once); value: outcomes, statuses and status_counts in step order.',
  schema: args,
  interpolate: false,
  label: (a) => `parallel: ${a.steps.map((step) => Object.keys(step).find((key) => !['name', 'as', 'timeout'].includes(key)) ?? 'step').join(', ')}`,
  check(a, scenario, nestedSteps) {
    for (const [index, raw] of a.steps.entries()) {
      const field = `steps.${index}`;
      if (raw['expect'] !== undefined)
        return {
          field: `${field}.expect`,
          message: 'the steps of parallel have no expect of their own: put it on the parallel step (value.statuses, value.status_counts, value.outcomes)',
        };
      const nested = nestedSteps.parse(raw, 0);
      if (typeof nested === 'string') return { field, message: nested };
      if (NOT_NESTABLE.includes(nested.kind)) return { field: `${field}.${nested.kind}`, message: `${nested.kind} cannot run inside parallel` };
      const inner = nestedSteps.check(nested, scenario);
      if (inner) return { field: `${field}.${nested.kind}${inner.field ? `.${inner.field}` : ''}`, message: inner.message };
    }
    return undefined;
  },
  async run(ctx, a, nestedSteps) {
    const steps = parseAll(a, ctx.step, nestedSteps);
    if (!Array.isArray(steps)) throw new StepFailure(`parallel: steps.${steps.index}: ${steps.message}`);
    const runs = await Promise.all(steps.map((step) => nestedSteps.run(ctx, step)));
    const broken = runs.findIndex((run) => run.error);
    if (broken >= 0) throw new StepFailure(`parallel: steps.${broken} (${steps[broken]!.kind}) failed: ${runs[broken]!.error!.message}`);
    const outcomes = runs.map((run) => outcomeVariable(run.outcome));
    const statuses = runs.map((run) => run.outcome.status ?? run.outcome.exit);
    const problems = runs.flatMap((run, index) => run.mismatches.map((mismatch) => `steps.${index} (${steps[index]!.kind}): ${mismatch.message}`));
    return { value: { outcomes, statuses, status_counts: countBy(statuses), problems } };
  },
  implicitFailure(outcome) {
    const problems = (outcome.value as { problems?: string[] } | undefined)?.problems ?? [];
    return problems.length > 0 ? problems.join('; ') : undefined;
  },
});
