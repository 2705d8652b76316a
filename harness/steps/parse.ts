import type { z } from 'zod';
import { formatPath, zodProblems } from '../../common/problems.ts';
import { expectSchema } from '../assertions/expect.ts';
import { toMs } from '../scenario/duration.ts';
import type { Scenario, ScenarioStep } from '../scenario/model.ts';
import { commonStepFields } from '../scenario/step-fields.ts';
import { STEP_KINDS, stepKind } from './index.ts';
import type { NestedSteps, StepProblem } from './step.ts';

/*
 * One step of a scenario file, from YAML to kind + arguments, with a problem report for each thing
 * wrong (unknown step with a suggestion, wrong field types, two kinds in one item).
 */

export type Report = (path: PropertyKey[], message: string) => void;

const COMMON_KEYS = new Set(Object.keys(commonStepFields));

export function parseStep(
  raw: unknown,
  index: number,
  at: PropertyKey[],
  report: Report,
  line?: (path: PropertyKey[]) => number | undefined,
): ScenarioStep | undefined {
  const kinds = STEP_KINDS.map((kind) => kind.name);
  if (typeof raw === 'string' && !stepKind(raw)) {
    report(at, `unknown step "${raw}"${suggest(raw, kinds)}; steps are ${kinds.join(', ')}`);
    return undefined;
  }
  if (typeof raw === 'string') {
    report(at, `"${raw}" needs arguments: write "- ${raw}: {...}"`);
    return undefined;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    report(at, `a step is a mapping such as "- login: {user: alice}"; steps are ${kinds.join(', ')}`);
    return undefined;
  }
  const record = raw as Record<string, unknown>;
  const stepKeys = Object.keys(record).filter((key) => !COMMON_KEYS.has(key));
  const unknown = stepKeys.filter((key) => !stepKind(key));
  if (unknown.length > 0) {
    report([...at, unknown[0]!], `unknown step "${unknown[0]}"${suggest(unknown[0]!, kinds)}; steps are ${kinds.join(', ')}`);
    return undefined;
  }
  if (stepKeys.length !== 1) {
    report(
      at,
      stepKeys.length === 0
        ? `the step has no kind: add one of ${kinds.join(', ')}`
        : `one step per list item, found ${stepKeys.map((key) => `"${key}"`).join(' and ')}: split them into separate "- ..." items`,
    );
    return undefined;
  }
  const name = stepKeys[0]!;
  const kind = stepKind(name)!;
  let ok = true;
  const args = kind.schema.safeParse(record[name] ?? null);
  if (!args.success) {
    ok = false;
    reportZod(args.error, [...at, name], report);
  }
  const common: Record<string, z.ZodType> = commonStepFields;
  for (const key of COMMON_KEYS) {
    if (record[key] === undefined) continue;
    const result = common[key]!.safeParse(record[key]);
    if (!result.success) {
      ok = false;
      reportZod(result.error, [...at, key], report);
    }
  }
  if (!ok) return undefined;
  const timeout = record['timeout'] as string | number | undefined;
  return {
    index,
    kind: name,
    args: args.success ? args.data : undefined,
    name: record['name'] as string | undefined,
    as: record['as'] as string | undefined,
    expect: record['expect'] === undefined ? undefined : expectSchema.parse(record['expect']),
    timeoutMs: timeout === undefined ? undefined : toMs(timeout),
    line: line?.(at),
  };
}

/** A step object parsed on its own (nested steps): the step, or the first problem as text. */
export function parseStepObject(raw: unknown, index: number): ScenarioStep | string {
  const problems: string[] = [];
  const step = parseStep(raw, index, [], (path, message) => problems.push(`${formatPath(path)}: ${message}`));
  return step ?? problems[0] ?? 'not a step';
}

/** A step's own checks (./step.ts `check`), with nested steps reached through this module. */
export function checkStep(step: ScenarioStep, scenario: Scenario): StepProblem | undefined {
  return stepKind(step.kind)?.check?.(step.args, scenario, nestedChecks);
}

const nestedChecks: Pick<NestedSteps, 'parse' | 'check'> = { parse: parseStepObject, check: checkStep };

function reportZod(error: z.ZodError, prefix: PropertyKey[], report: Report): void {
  for (const problem of zodProblems(error, prefix)) report(problem.path, problem.message);
}

function suggest(word: string, candidates: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
