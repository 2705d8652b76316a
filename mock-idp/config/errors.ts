import type { z } from 'zod';
import { formatPath, zodProblems } from '../../common/problems.ts';
import { MockIdpError } from '../errors.ts';

export interface ConfigProblem {
  /** Dotted path of the offending field, e.g. `tenants.default.clients.demo.grants[1]`. */
  path: string;
  message: string;
  /** 1-based position in the source file, when the config came from a file. */
  line?: number;
  column?: number;
}

/** A configuration that cannot be used; its message lists every problem with the field and the fix. */
export class ConfigError extends MockIdpError {
  override readonly name: string = 'ConfigError';
  readonly problems: ConfigProblem[];
  readonly source: string | undefined;

  constructor(problems: ConfigProblem[], source?: string) {
    super(formatProblems(problems, source));
    this.problems = problems;
    this.source = source;
  }
}

function formatProblems(problems: ConfigProblem[], source?: string): string {
  const head = `invalid configuration${source ? ` in ${source}` : ''} (${problems.length} problem${problems.length === 1 ? '' : 's'}):`;
  const lines = problems.map((problem) => {
    const where = problem.line ? `${source ?? ''}:${problem.line}:${problem.column ?? 1} ` : '';
    return `  - ${where}${problem.path}: ${problem.message}`;
  });
  return [head, ...lines].join('\n');
}

/** zod's issues as configuration problems, worded as everywhere else (common/problems.ts). */
export function problemsFromZod(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): ConfigProblem[] {
  return zodProblems(error, prefix).map((problem) => ({ path: formatPath(problem.path), message: problem.message }));
}
