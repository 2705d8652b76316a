import { formatPath, zodProblems } from '../../common/problems.ts';
import { evaluate, type Expect, needsClock } from '../assertions/expect.ts';
import { outcomeVariable, type StepOutcome } from '../assertions/outcome.ts';
import { InterpolationError, interpolate } from '../scenario/interpolate.ts';
import type { ScenarioStep } from '../scenario/model.ts';
import { stepKind } from '../steps/index.ts';
import { parseStepObject } from '../steps/parse.ts';
import type { NestedSteps, StepRun } from '../steps/step.ts';
import type { ScenarioContext } from './context.ts';
import { StepFailure } from './step-failure.ts';

/*
 * One step, once: resolve its templates, run it, save its outcome under its variable, and check it
 * against its expectation (or, without one, against what the step kind considers success).
 */

/** How steps that nest others (parallel, wait_until) parse and run them. */
const nestedSteps: Pick<NestedSteps, 'parse' | 'run'> = { parse: parseStepObject, run: runStepOnce };

export async function runStepOnce(ctx: ScenarioContext, step: ScenarioStep): Promise<StepRun> {
  const kind = stepKind(step.kind);
  if (!kind) return { outcome: {}, mismatches: [], error: new StepFailure(`unknown step "${step.kind}"`) };
  let args: unknown;
  try {
    args = kind.interpolate === false ? step.args : interpolate(step.args, ctx.vars);
    if (kind.interpolate !== false) {
      const checked = kind.schema.safeParse(args);
      if (!checked.success) {
        const problems = zodProblems(checked.error)
          .map((problem) => `${problem.path.length > 0 ? formatPath(problem.path) : '(arguments)'}: ${problem.message}`)
          .join('; ');
        throw new StepFailure(`after resolving variables, the arguments are wrong: ${problems}`);
      }
      args = checked.data;
    }
  } catch (error) {
    return { outcome: {}, mismatches: [], error: error instanceof InterpolationError ? new StepFailure(error.message) : (error as Error) };
  }
  let outcome: StepOutcome;
  try {
    outcome = await kind.run(ctx, args, nestedSteps);
  } catch (error) {
    return { outcome: {}, mismatches: [], error: error as Error };
  }
  const variable = outcomeVariable(outcome);
  const name = step.as ?? kind.defaultAs;
  if (name) ctx.vars[name] = variable;
  // Target operations default to the latest outcome of each kind (the latest login's code), whatever its `as`.
  if (kind.defaultAs) ctx.vars[`$${kind.defaultAs}`] = variable;
  ctx.vars['last'] = variable;

  const own = kind.expectFrom?.(args);
  const expectation: Expect | undefined = own && step.expect ? { ...step.expect, vars: { ...own.vars, ...step.expect.vars } } : (step.expect ?? own);
  if (!expectation) {
    const failure = kind.implicitFailure?.(outcome, args);
    return { outcome, mismatches: failure ? [{ path: step.kind, message: failure, expected: 'success', actual: outcome.status ?? outcome.value }] : [] };
  }
  try {
    const resolved = interpolate(expectation, { ...ctx.vars, this: variable });
    const nowSeconds = needsClock(resolved) ? await ctx.nowSeconds() : undefined;
    return { outcome, mismatches: evaluate(resolved, outcome, ctx.vars, { nowSeconds }) };
  } catch (error) {
    return {
      outcome,
      mismatches: [],
      error: new StepFailure(`in expect: ${(error as Error).message}`),
    };
  }
}
