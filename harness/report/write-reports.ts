import { HarnessError } from '../errors.ts';
import { reporterKind, REPORTERS, type Reporter } from './index.ts';
import type { SuiteResult } from './result.ts';

/*
 * The reporters a run asks for (--reporter) and the files they write once the results are in: for a run
 * in this process, a run in worker processes and `mockidp report merge` alike. Loads nothing of the runner.
 */

export interface ReportOptions {
  reporters: string[];
  outDir: string;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface NamedReporter {
  name: string;
  reporter: Reporter;
}

/** A reporter name that names none. */
class ReporterError extends HarnessError {}

/** The reporters named, ready for the run's events; a name that names none is refused before anything runs. */
export function createReporters(report: ReportOptions): NamedReporter[] {
  const unknown = report.reporters.filter((name) => !reporterKind(name));
  if (unknown.length > 0) throw new ReporterError(`unknown reporter "${unknown[0]}"; reporters: ${REPORTERS.map((kind) => kind.name).join(', ')}`);
  return report.reporters.map((name) => ({ name, reporter: reporterKind(name)!.create({ outDir: report.outDir, stream: report.stream }) }));
}

/** Each reporter's file, then the console's summary (which lists the files written). */
export async function writeReports(result: SuiteResult, reporters: NamedReporter[]): Promise<string[]> {
  const written: string[] = [];
  for (const { name, reporter } of reporters) {
    if (name === 'console') continue;
    const path = await reporter.finish(result, written);
    if (path) written.push(path);
  }
  for (const { name, reporter } of reporters) if (name === 'console') await reporter.finish(result, written);
  return written;
}
