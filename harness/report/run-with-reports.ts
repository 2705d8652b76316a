import { HarnessError } from '../errors.ts';
import { runSuite, type SuiteOptions } from '../runner/suite.ts';
import { reporterKind, REPORTERS, type Reporter } from './index.ts';
import type { SuiteResult } from './result.ts';

/*
 * A run with its reporters: live events go to each reporter, then each writes its file; the
 * console reporter, last, prints where the files are.
 */

export interface ReportOptions {
  reporters: string[];
  outDir: string;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
}

/** A reporter name that names none. */
class ReporterError extends HarnessError {}

export function checkReporters(names: string[]): void {
  const unknown = names.filter((name) => !reporterKind(name));
  if (unknown.length > 0) throw new ReporterError(`unknown reporter "${unknown[0]}"; reporters: ${REPORTERS.map((kind) => kind.name).join(', ')}`);
}

export async function writeReports(result: SuiteResult, reporters: Array<{ name: string; reporter: Reporter }>): Promise<string[]> {
  const written: string[] = [];
  for (const { name, reporter } of reporters) {
    if (name === 'console') continue;
    const path = await reporter.finish(result, written);
    if (path) written.push(path);
  }
  for (const { name, reporter } of reporters) if (name === 'console') await reporter.finish(result, written);
  return written;
}

export async function runWithReports(options: SuiteOptions, report: ReportOptions): Promise<{ result: SuiteResult; written: string[] }> {
  checkReporters(report.reporters);
  const reporters = report.reporters.map((name) => ({ name, reporter: reporterKind(name)!.create({ outDir: report.outDir, stream: report.stream }) }));
  const result = await runSuite({
    ...options,
    onEvent: (event) => {
      for (const { reporter } of reporters) reporter.onEvent?.(event);
      options.onEvent?.(event);
    },
  });
  return { result, written: await writeReports(result, reporters) };
}
