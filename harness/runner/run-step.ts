import { evaluate, needsClock, type Expect } from '../assertions/expect.ts';
import type { Mismatch } from '../assertions/matchers.ts';
import type { StepOutcome } from '../assertions/outcome.ts';
import { interpolate, InterpolationError } from '../scenario/interpolate.ts';
import type { ScenarioStep } from '../scenario/model.ts';
import { stepKind } from '../steps/index.ts';
import { StepFailure, type ScenarioContext } from './context.ts';

/*
 * One step, once: resolve its templates, run it, save its outcome under its variable, and check it
 * against its expectation (or, without one, against what the step kind considers success).
 */

export interface StepRun {
  outcome: StepOutcome;
  mismatches: Mismatch[];
  error?: Error;
}

/** The variable a step's outcome is saved as: the step value's fields, plus status, json, ... */
export function outcomeVariable(outcome: StepOutcome): Record<string, unknown> {
  const value = outcome.value;
  const fields = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const variable: Record<string, unknown> = { ...fields };
  for (const key of ['status', 'headers', 'body', 'json', 'xml', 'exit', 'stdout', 'stderr', 'value'] as const)
    if (outcome[key] !== undefined) variable[key] = outcome[key];
  return variable;
}

export async function runStepOnce(ctx: ScenarioContext, step: ScenarioStep): Promise<StepRun> {
  const kind = stepKind(step.kind);
  if (!kind) return { outcome: {}, mismatches: [], error: new StepFailure(`unknown step "${step.kind}"`) };
  let args: unknown;
  try {
    args = kind.interpolate === false ? step.args : interpolate(step.args, ctx.vars);
    if (kind.interpolate !== false) {
      const checked = kind.schema.safeParse(args);
      if (!checked.success) {
        const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`).join('; ');
        throw new StepFailure(`after resolving variables, the arguments are wrong: ${problems}`);
      }
      args = checked.data;
    }
  } catch (error) {
    return { outcome: {}, mismatches: [], error: error instanceof InterpolationError ? new StepFailure(error.message) : (error as Error) };
  }
  let outcome: StepOutcome;
  try {
    outcome = await kind.run(ctx, args);
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
      error: error instanceof InterpolationError ? new StepFailure(`in expect: ${error.message}`) : new StepFailure(`in expect: ${(error as Error).message}`),
    };
  }
}
