import type { z } from 'zod';
import type { Expect } from '../assertions/expect.ts';
import type { Mismatch } from '../assertions/matchers.ts';
import type { StepOutcome } from '../assertions/outcome.ts';
import type { ScenarioContext } from '../runner/context.ts';
import type { Scenario, ScenarioStep } from '../scenario/model.ts';

/*
 * A step kind: its YAML key, the schema of its arguments, and what it does. One file per kind, all
 * with this shape, registered in ./index.ts. Adding a step is adding a file.
 */
export interface StepKind<A = unknown> {
  /** The YAML key: `- login: {...}`. */
  name: string;
  summary: string;
  /** Arguments as written in the file (templates such as "${login.code}" allowed where noted). */
  schema: z.ZodType<A>;
  /** The variable the outcome is saved under when the step has no `as` (e.g. login). */
  defaultAs?: string;
  /** Arguments are interpolated before `run` unless this is false (steps that nest other steps). */
  interpolate?: boolean;
  /** A short label for reports: "login alice at demo". */
  label(args: A): string;
  /** Checks that need the whole scenario (operation names, the target): a problem, or undefined. */
  check?(args: A, scenario: Scenario, steps: Pick<NestedSteps, 'parse' | 'check'>): StepProblem | undefined;
  run(ctx: ScenarioContext, args: A, steps: Pick<NestedSteps, 'parse' | 'run'>): Promise<StepOutcome>;
  /** An expectation the step's own arguments make (assert), checked like `expect`. */
  expectFrom?(args: A): Expect;
  /**
   * Milliseconds the step will deliberately wait before it starts (a declared cool-down): the runner
   * adds them to the step's and the scenario's time limits, so that waiting is not a timeout.
   */
  allowanceMs?(ctx: ScenarioContext, args: A): number;
  /** When the step has no `expect`: why the outcome counts as a failure, or undefined when it is fine. */
  implicitFailure?(outcome: StepOutcome, args: A): string | undefined;
}

/** What is wrong with a step's arguments, at a field below the step (dotted), for scenario files. */
export interface StepProblem {
  field?: string;
  message: string;
}

/** One step run once: its outcome, how it differs from its expectation, or why it could not run. */
export interface StepRun {
  outcome: StepOutcome;
  mismatches: Mismatch[];
  error?: Error;
}

/**
 * Other steps as a step that nests them (parallel, wait_until) reaches them: the loader and the runner
 * hand these over, so that a step kind never imports the registry that lists it.
 */
export interface NestedSteps {
  /** A nested step object parsed on its own: the step, or the first problem as text. */
  parse(raw: unknown, index: number): ScenarioStep | string;
  /** The checks of a nested step's own kind. */
  check(step: ScenarioStep, scenario: Scenario): StepProblem | undefined;
  /** Runs a nested step once, as the runner runs any step. */
  run(ctx: ScenarioContext, step: ScenarioStep): Promise<StepRun>;
}

export function defineStep<A>(kind: StepKind<A>): StepKind<A> {
  return kind;
}
