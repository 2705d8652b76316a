import { FLAWS, type ComponentName } from '../../components/index.ts';
import type { SuiteResult } from '../report/result.ts';
import { componentOfFlaw, flawNames } from './components.ts';
import { runSuite, type SuiteOptions } from '../runner/suite.ts';
import { SuiteError } from '../runner/suite-error.ts';

/*
 * The suite's power, measured: the suite runs against the clean reference components, then
 * against each deliberately flawed variant. A flaw is caught when at least one scenario that
 * passes against the clean components fails against the flawed one (a scenario that fails on
 * the clean components proves nothing about a flaw, so it never counts).
 */

interface FlawRow {
  flaw: string;
  component: ComponentName;
  description: string;
  /** Scenarios (id and name) that pass clean and fail against this flaw. */
  caughtBy: Array<{ id: string; name: string }>;
  /** Scenarios of this component that ran against the flaw. */
  ran: number;
  ms: number;
}

export interface FlawMatrix {
  version: 1;
  clean: SuiteResult;
  rows: FlawRow[];
  /** Flaws that no scenario catches: each one is a gap in the suite. */
  uncaught: string[];
  ms: number;
}

export type FlawMatrixEvent =
  | { type: 'flaw-start'; flaw: string; index: number; total: number }
  | { type: 'flaw-end'; row: FlawRow; index: number; total: number };

export interface FlawMatrixOptions extends Omit<SuiteOptions, 'flaw' | 'targets'> {
  /** Only these flaws (default: every flaw of components/flaws.ts). */
  flaws?: string[];
  /** The clean run, when the caller already has it. */
  clean?: SuiteResult;
  onFlaw?: (event: FlawMatrixEvent) => void;
}

export async function runFlawMatrix(options: FlawMatrixOptions): Promise<FlawMatrix> {
  const started = performance.now();
  const { flaws: only, clean: given, onFlaw, onEvent, ...suite } = options;
  const unknown = (only ?? []).filter((name) => !componentOfFlaw(name));
  if (unknown.length > 0) throw new SuiteError(`unknown flaw "${unknown[0]}"; flaws: ${flawNames().join(', ')}`);
  const clean = given ?? (await runSuite({ ...suite, ...(onEvent ? { onEvent } : {}) }));
  const passedClean = new Set(clean.scenarios.filter((scenario) => scenario.status === 'passed').map((scenario) => scenario.id));
  const chosen = FLAWS.filter((flaw) => !only || only.includes(flaw.name));
  const rows: FlawRow[] = [];
  for (const [index, flaw] of chosen.entries()) {
    onFlaw?.({ type: 'flaw-start', flaw: flaw.name, index, total: chosen.length });
    const flawed = await runSuite({ ...suite, flaw: flaw.name });
    const caughtBy = flawed.scenarios.filter((scenario) => scenario.status === 'failed' && passedClean.has(scenario.id)).map(({ id, name }) => ({ id, name }));
    const row: FlawRow = { flaw: flaw.name, component: flaw.component, description: flaw.description, caughtBy, ran: flawed.scenarios.length, ms: flawed.ms };
    rows.push(row);
    onFlaw?.({ type: 'flaw-end', row, index, total: chosen.length });
  }
  return {
    version: 1,
    clean,
    rows,
    uncaught: rows.filter((row) => row.caughtBy.length === 0).map((row) => row.flaw),
    ms: Math.round(performance.now() - started),
  };
}
