import type { z } from 'zod';

export interface ConfigProblem {
  /** Dotted path of the offending field, e.g. `tenants.default.clients.demo.grants[1]`. */
  path: string;
  message: string;
  /** 1-based position in the source file, when the config came from a file. */
  line?: number;
  column?: number;
}

/** A configuration that cannot be used; its message lists every problem with the field and the fix. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  readonly source: string | undefined;

  constructor(problems: ConfigProblem[], source?: string) {
    super(formatProblems(problems, source));
    this.name = 'ConfigError';
    this.problems = problems;
    this.source = source;
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

function formatProblems(problems: ConfigProblem[], source?: string): string {
  const head = `invalid configuration${source ? ` in ${source}` : ''} (${problems.length} problem${problems.length === 1 ? '' : 's'}):`;
  const lines = problems.map((problem) => {
    const where = problem.line ? `${source ?? ''}:${problem.line}:${problem.column ?? 1} ` : '';
    return `  - ${where}${problem.path}: ${problem.message}`;
  });
  return [head, ...lines].join('\n');
}

/** Turns zod issues into problems, explaining unknown keys and enum choices in words. */
export function problemsFromZod(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): ConfigProblem[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}: remove it or check its spelling`;
    } else if (issue.code === 'invalid_value' && 'values' in issue) {
      message = `${issue.message.replace(/^Invalid option: expected one of /, 'must be one of ')}`;
    } else if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
      message = `missing required field (${issue.message.replace(/^Invalid input: /, '')})`;
    }
    return { path: formatPath(path), message, pathKeys: path } as ConfigProblem & { pathKeys: PropertyKey[] };
  });
}
