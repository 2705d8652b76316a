import { runSuite, type SuiteOptions } from '../runner/suite.ts';
import type { SuiteResult } from './result.ts';
import { createReporters, type ReportOptions, writeReports } from './write-reports.ts';

/*
 * A run with its reporters: live events go to each reporter, then each writes its file; the
 * console reporter, last, prints where the files are.
 */

export async function runWithReports(options: SuiteOptions, report: ReportOptions): Promise<{ result: SuiteResult; written: string[] }> {
  const reporters = createReporters(report);
  const result = await runSuite({
    ...options,
    onEvent: (event) => {
      for (const { reporter } of reporters) reporter.onEvent?.(event);
      options.onEvent?.(event);
    },
  });
  return { result, written: await writeReports(result, reporters) };
}
