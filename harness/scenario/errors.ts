/*
 * Problems in scenario files: each names the file, the line and the field, and says how to fix it.
 * A file with problems is reported as a failed scenario; the rest of the suite still runs.
 */

export interface ScenarioProblem {
  file: string;
  /** The field as people write it (common/problems.ts formatPath), e.g. `steps[2].login.user`. */
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
