import type { SuiteEvent } from '../runner/suite.ts';
import type { SuiteResult } from './result.ts';

/*
 * A reporter turns a run into something people or CI read: console (live), JSON, JUnit XML, HTML.
 * One file each, same shape, registered in ./index.ts.
 */

interface ReporterContext {
  /** Directory for report files. */
  outDir: string;
  /** Where console output goes. */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Reporter {
  onEvent?(event: SuiteEvent): void;
  /** Writes the report; the path of the file written, if any. */
  finish(result: SuiteResult, written: string[]): Promise<string | undefined>;
}

export interface ReporterKind {
  name: 'console' | 'json' | 'junit' | 'html';
  summary: string;
  /** File it writes in the output directory, if any. */
  file?: string;
  create(context: ReporterContext): Reporter;
}
