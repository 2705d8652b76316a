import { componentOfFlaw, componentsOf } from '../flaws/components.ts';
import type { LauncherName } from '../launchers/index.ts';
import type { SkipKind } from '../report/result.ts';
import type { Scenario } from '../scenario/model.ts';
import type { TargetName } from '../targets/names.ts';
import { offerOf } from './declared.ts';
import { scenarioNeeds } from './needs.ts';
import { mismatchedOption, type Placement, type TargetPlan } from './plan.ts';

/*
 * Which scenarios a run includes: --grep (name or id), --tag (any of; "!tag" excludes), --shard i/n
 * (a stable slice of the sorted ids, for CI fan-out), --flaw (the scenarios of targets that contain
 * the flawed component); and, for a target of the user's, where each scenario runs or why it is
 * skipped (docs/scenarios.md).
 */

export interface Shard {
  index: number;
  total: number;
}

/** The run's options that pick scenarios. */
export interface SelectOptions {
  shard?: Shard | undefined;
  grep?: string | undefined;
  tags?: string[] | undefined;
  /** Run the embedded reference components with this deliberate flaw: only the scenarios of targets that contain it. */
  flaw?: string | undefined;
}

export interface Selected {
  run: Scenario[];
  skipped: Array<{ scenario: Scenario; reason: string; kind: SkipKind }>;
  /** Where each scenario to run runs, by id. */
  placements: Map<string, Placement>;
}

export function matchesGrep(scenario: { id: string; name: string }, grep: string | undefined): boolean {
  if (!grep) return true;
  let pattern: RegExp;
  try {
    pattern = new RegExp(grep, 'i');
  } catch {
    const lower = grep.toLowerCase();
    return scenario.name.toLowerCase().includes(lower) || scenario.id.toLowerCase().includes(lower);
  }
  return pattern.test(scenario.name) || pattern.test(scenario.id);
}

/** --tag a,b --tag c: any of a, b, c; "!x" excludes x. */
export function matchesTags(scenario: { tags: string[] }, tags: string[] | undefined): boolean {
  const wanted = (tags ?? [])
    .flatMap((tag) => tag.split(','))
    .map((tag) => tag.trim())
    .filter(Boolean);
  const include = wanted.filter((tag) => !tag.startsWith('!'));
  const exclude = wanted.filter((tag) => tag.startsWith('!')).map((tag) => tag.slice(1));
  if (exclude.some((tag) => scenario.tags.includes(tag))) return false;
  return include.length === 0 || include.some((tag) => scenario.tags.includes(tag));
}

/** The scenarios of one shard: every n-th of the id-sorted list, so shards stay balanced and disjoint. */
function inShard<T extends { id: string }>(items: T[], shard: Shard | undefined): T[] {
  if (!shard || shard.total === 1) return items;
  return [...items].sort((a, b) => a.id.localeCompare(b.id)).filter((_, position) => position % shard.total === shard.index - 1);
}

/** The scenarios to run, those skipped with the reason, and where each runs. */
export function selectScenarios(scenarios: Scenario[], plans: Map<TargetName, TargetPlan>, options: SelectOptions): Selected {
  const external = [...plans.values()].some((plan) => plan.mode === 'external');
  const flawComponent = options.flaw ? componentOfFlaw(options.flaw) : undefined;
  const picked = inShard(
    scenarios.filter((scenario) => matchesGrep(scenario, options.grep) && matchesTags(scenario, options.tags)),
    options.shard,
  );
  const run: Scenario[] = [];
  const skipped: Selected['skipped'] = [];
  const placements = new Map<string, Placement>();
  for (const scenario of picked) {
    const plan = scenario.target ? plans.get(scenario.target.name) : undefined;
    if (external) {
      if (!plan) continue;
      const verdict = externalVerdict(plan, scenario);
      if ('skip' in verdict) {
        skipped.push({ scenario, ...verdict.skip });
        continue;
      }
      placements.set(scenario.id, verdict.placement);
    } else {
      placements.set(scenario.id, 'embedded');
    }
    if (flawComponent) {
      if (!plan || !componentsOf(plan.kind).includes(flawComponent)) continue;
    }
    run.push(scenario);
  }
  return { run, skipped, placements };
}

type Verdict = { skip: { kind: SkipKind; reason: string } } | { placement: Placement };

const STARTED_BY_RUNNER: readonly LauncherName[] = ['process', 'container'];

/** Where a scenario of an external target runs, or why it cannot (docs/scenarios.md). */
function externalVerdict(plan: TargetPlan, scenario: Scenario): Verdict {
  const name = plan.kind.name;
  const mismatch = mismatchedOption(plan, scenario);
  if (mismatch) return { skip: { kind: 'configuration', reason: mismatch } };
  const needs = scenarioNeeds(scenario);
  const missing = [...new Set(needs.operations.map((operation) => offerOf(plan.kind, operation)))].filter((offer) => !plan.declared.operations.has(offer));
  if (missing.length > 0) {
    return {
      skip: {
        kind: 'not-offered',
        reason: `it calls ${missing.join(', ')}, which this ${name} is not declared to offer (--target-option ${name}.operations=${[...plan.declared.operations].join(',')})`,
      },
    };
  }
  if (scenario.tags.includes('in-process')) {
    return { skip: { kind: 'in-process', reason: 'it watches what only the embedded reference component exposes (its waits turned into IdP clock moves)' } };
  }
  const ownInstance = STARTED_BY_RUNNER.includes(plan.launcher);
  // A command runs anew for each operation: each scenario gets its own issuer and runs in parallel.
  if (plan.kind.shape === 'command' && ownInstance) return { placement: 'own' };
  const hint = `with --target-command or --target-image the runner starts an instance of your ${name} for it`;
  if (needs.profile !== undefined) {
    if (ownInstance) return { placement: 'own' };
    return {
      skip: {
        kind: 'profile',
        reason: `it gives the IdP the shape of ${needs.profile} (another issuer and endpoints), which a target configured once with one issuer cannot follow; ${hint}`,
      },
    };
  }
  if (needs.freshTarget) {
    if (ownInstance) return { placement: 'own' };
    return {
      skip: {
        kind: 'fresh-target',
        reason: `it needs a target that fetches the IdP's discovery document during the scenario, and yours fetched it before; ${hint}`,
      },
    };
  }
  if (ownInstance && (needs.ownKeys || needs.keyChanges)) return { placement: 'own' };
  return { placement: 'shared' };
}
