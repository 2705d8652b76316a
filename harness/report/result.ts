import type { TraceEvent } from '../runner/trace.ts';

/*
 * The results of a run, as JSON (the shape every reporter reads, and what `mockidp report merge`
 * combines across shards).
 */

type ScenarioStatus = 'passed' | 'failed' | 'skipped';

/** Why a scenario did not run: the reports count skips by these. */
const SKIP_KINDS = {
  'not-offered': 'operation not offered',
  profile: 'provider profile',
  'fresh-target': 'needs a fresh target',
  configuration: 'written for another configuration',
  'in-process': 'in-process only',
  bail: 'after --bail',
  scenario: 'skipped by the scenario',
} as const;

export type SkipKind = keyof typeof SKIP_KINDS;

export type FailureKind = 'assertion' | 'error' | 'timeout' | 'unsupported' | 'invalid' | 'launch';

interface MismatchReport {
  path: string;
  message: string;
  expected: unknown;
  actual: unknown;
}

export interface JournalLine {
  seq: number;
  at: string;
  tenant: string;
  by: 'harness' | 'target';
  endpoint: string;
  method: string;
  path: string;
  status: number;
  clientId?: string;
  grantType?: string;
  user?: string;
  error?: string;
}

export interface Failure {
  kind: FailureKind;
  /** One line: what went wrong. */
  message: string;
  step?: { index: number; kind: string; label: string; line?: number };
  mismatches?: MismatchReport[];
  /** The last requests the IdP saw for this scenario. */
  journal?: JournalLine[];
}

export interface StepReport {
  index: number;
  kind: string;
  label: string;
  name?: string;
  line?: number;
  status: 'passed' | 'failed' | 'not run';
  ms: number;
}

export interface ScenarioResult {
  id: string;
  name: string;
  file: string;
  line: number;
  tags: string[];
  target?: string;
  /** How the target ran: reference component in-process, a URL, a process. */
  targetDescription?: string;
  status: ScenarioStatus;
  ms: number;
  failure?: Failure;
  skipReason?: string;
  skipKind?: SkipKind;
  steps: StepReport[];
  trace: TraceEvent[];
}

export interface SuiteResult {
  version: 1;
  startedAt: string;
  ms: number;
  shard?: { index: number; total: number };
  idp: { url: string };
  /** Target name -> how it ran. */
  targets: Record<string, string>;
  flaw?: string;
  scenarios: ScenarioResult[];
  summary: Summary;
}

export interface Summary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Skipped scenarios by kind of reason (SKIP_KINDS), most frequent first. */
  skippedBy: Partial<Record<SkipKind, number>>;
}

export function summarize(scenarios: ScenarioResult[]): Summary {
  const skippedBy: Partial<Record<SkipKind, number>> = {};
  for (const scenario of scenarios) {
    if (scenario.status !== 'skipped') continue;
    const kind = scenario.skipKind ?? 'scenario';
    skippedBy[kind] = (skippedBy[kind] ?? 0) + 1;
  }
  return {
    total: scenarios.length,
    passed: scenarios.filter((s) => s.status === 'passed').length,
    failed: scenarios.filter((s) => s.status === 'failed').length,
    skipped: scenarios.filter((s) => s.status === 'skipped').length,
    skippedBy: Object.fromEntries(Object.entries(skippedBy).sort((a, b) => b[1] - a[1])),
  };
}

/** "12 provider profile, 3 operation not offered": the skips of a summary by kind of reason. */
export function skipBreakdown(summary: Pick<Summary, 'skippedBy'>): string {
  return Object.entries(summary.skippedBy ?? {})
    .map(([kind, count]) => `${count} ${SKIP_KINDS[kind as SkipKind] ?? kind}`)
    .join(', ');
}
