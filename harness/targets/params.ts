import type { ScenarioContext } from '../runner/context.ts';
import { StepFailure } from '../runner/step-failure.ts';

/*
 * Defaults shared by target operations: values from earlier steps (the latest login's code, the
 * latest tokens), and `null` to leave a field out on purpose (to test a missing field).
 */

/** The first defined value; `null` means "leave it out". */
export function pickValue<T>(given: T | null | undefined, ...fallbacks: Array<T | undefined>): T | undefined {
  if (given === null) return undefined;
  if (given !== undefined) return given;
  return fallbacks.find((value) => value !== undefined);
}

export function withoutUndefined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** A field of the latest `login` step's outcome (also when it was saved under another name with `as`). */
export function fromLogin(ctx: ScenarioContext, field: string): string | undefined {
  const login = ctx.vars['$login'] as Record<string, unknown> | undefined;
  const value = login?.[field];
  return typeof value === 'string' ? value : undefined;
}

/** A token of the latest token response the scenario received. */
export function latestToken(ctx: ScenarioContext, field: 'access_token' | 'id_token' | 'refresh_token'): string | undefined {
  const tokens = ctx.vars['$tokens'] as Record<string, string> | undefined;
  return tokens?.[field];
}

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new StepFailure(what);
  return value;
}
