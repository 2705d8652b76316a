/*
 * Problems in scenario files: each names the file, the line and the field, and says how to fix it.
 * A file with problems is reported as a failed scenario; the rest of the suite still runs.
 */

export interface ScenarioProblem {
  file: string;
  /** Dotted path of the field, e.g. `steps[2].login.user`. */
  field: string;
  message: string;
  /** 1-based position in the file, when known. */
  line?: number;
  column?: number;
}

export function formatProblem(problem: ScenarioProblem): string {
  const where = problem.line ? `${problem.file}:${problem.line}:${problem.column ?? 1}` : problem.file;
  return `${where} ${problem.field}: ${problem.message}`;
}

export class ScenarioError extends Error {
  readonly problems: ScenarioProblem[];

  constructor(problems: ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}
