import { consoleReporter } from './console.ts';
import { htmlReporter } from './html.ts';
import { jsonReporter } from './json.ts';
import { junitReporter } from './junit.ts';
import type { ReporterKind } from './reporter.ts';

/** Every reporter, one file each. */
export const REPORTERS: readonly ReporterKind[] = [consoleReporter, jsonReporter, junitReporter, htmlReporter];

export function reporterKind(name: string): ReporterKind | undefined {
  return REPORTERS.find((kind) => kind.name === name);
}

export type { Reporter, ReporterKind } from './reporter.ts';
