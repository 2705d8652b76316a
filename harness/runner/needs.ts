import type { Scenario, ScenarioStep } from '../scenario/model.ts';
import { parseStepObject } from '../steps/parse.ts';

/*
 * What a scenario asks of a target beyond its steps, read from the scenario itself: the target
 * operations it calls, an issuer of another shape (a provider profile), a target that fetches
 * everything during the scenario (tag fresh-target: discovery faults), signing keys the target has
 * never seen, or keys that change while it runs. The runner decides from these whether a target
 * of the user's runs a scenario on its long-lived instance, on an instance of its own, after its
 * JWKS refetch cool-down, or not at all (and says why).
 */

export interface ScenarioNeeds {
  /** Operations of the scenario's target that it calls ("login", "principal_login"). */
  operations: string[];
  /** The provider profile the scenario gives the IdP, if any. */
  profile: string | undefined;
  /** Tagged fresh-target: the target must fetch discovery (and keys) during the scenario. */
  freshTarget: boolean;
  /** The scenario's IdP signs with keys of its own (idp.keys), which no target has seen. */
  ownKeys: boolean;
  /** The signing keys change while the scenario runs (rotation, a restart with new keys). */
  keyChanges: boolean;
}

function walk(steps: readonly ScenarioStep[], visit: (step: ScenarioStep) => void): void {
  for (const step of steps) {
    visit(step);
    const args = step.args as Record<string, unknown> | undefined;
    const nested = step.kind === 'parallel' ? (args?.['steps'] as unknown[] | undefined) : step.kind === 'wait_until' ? [args?.['step']] : [];
    const parsed = (nested ?? []).map((raw) => parseStepObject(raw, step.index)).filter((inner): inner is ScenarioStep => typeof inner !== 'string');
    walk(parsed, visit);
  }
}

function operationOf(step: ScenarioStep): string | undefined {
  if (step.kind !== 'call') return undefined;
  const args = step.args as string | { op?: string } | undefined;
  const op = typeof args === 'string' ? args : args?.op;
  if (typeof op !== 'string' || op.includes('${')) return undefined;
  return op.slice(op.lastIndexOf('.') + 1);
}

function changesKeys(step: ScenarioStep): boolean {
  const args = step.args as Record<string, unknown> | undefined;
  if (step.kind === 'admin') return args?.['keys'] !== undefined;
  if (step.kind === 'restart_idp') return args?.['newKeys'] === true;
  if (step.kind === 'fault') return JSON.stringify(args ?? {}).includes('"rotateKeys":true');
  return false;
}

export function scenarioNeeds(scenario: Scenario): ScenarioNeeds {
  const operations = new Set<string>();
  let keyChanges = (scenario.idp.faults ?? []).some((rule) => JSON.stringify(rule).includes('"rotateKeys":true'));
  walk(scenario.steps, (step) => {
    const operation = operationOf(step);
    if (operation) operations.add(operation);
    if (changesKeys(step)) keyChanges = true;
  });
  const profile = scenario.idp.profile === undefined ? undefined : typeof scenario.idp.profile === 'string' ? scenario.idp.profile : scenario.idp.profile.name;
  return { operations: [...operations], profile, freshTarget: scenario.tags.includes('fresh-target'), ownKeys: scenario.idp.keys !== undefined, keyChanges };
}
