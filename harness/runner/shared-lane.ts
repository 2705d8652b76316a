import type { Scenario } from '../scenario/model.ts';
import type { ScenarioNeeds } from './needs.ts';

/*
 * The scenarios of a long-lived target of the user's (at a URL, or the one instance the runner
 * starts for the whole run) run one after another on one issuer. Such a target keeps the IdP's
 * keys and fetches them again, for a kid it does not know, at most once per refetch cool-down
 * (declared: --target-option NAME.jwksRefetchCooldown). So a scenario that needs the target to
 * fetch keys at its start (signing keys of its own, keys that change, or keys the target no longer
 * has since an earlier scenario changed them) runs only once that cool-down has passed since the
 * target's last fetch; scenarios that need nothing of the kind run meanwhile, and the runner waits
 * (and says so) when nothing else is left. Refetches inside a scenario are its own business
 * (the jwks_cooldown step).
 */

interface LaneTarget {
  /** Names the target in notices. */
  name: string;
  cooldownMs: number;
}

export interface LaneHooks<R> {
  needs(scenario: Scenario): ScenarioNeeds;
  target(scenario: Scenario): LaneTarget;
  /** The kids of the keys the suite signs with by default (what a target learns from an ordinary scenario). */
  primaryKids: readonly string[];
  /** When the target last fetched the JWKS (epoch ms), or undefined when it has not in this run. */
  lastFetch(): number | undefined;
  /** The kids the shared tenant publishes now (read after a scenario in which the target fetched). */
  publishedKids(): Promise<string[]>;
  now(): number;
  wait(ms: number, scenario: Scenario, target: LaneTarget): Promise<void>;
  run(scenario: Scenario): Promise<R>;
  skipped(scenario: Scenario): R;
  shouldStop(): boolean;
}

export class SharedLane<R> {
  readonly #hooks: LaneHooks<R>;
  /** The kids each target (by name) got at its last fetch; absent: nothing of this run. */
  readonly #known = new Map<string, Set<string>>();

  constructor(hooks: LaneHooks<R>) {
    this.#hooks = hooks;
  }

  /** Whether the scenario needs the target to fetch the JWKS when it starts. */
  needsFetch(scenario: Scenario): boolean {
    const needs = this.#hooks.needs(scenario);
    if (needs.ownKeys || needs.keyChanges) return true;
    const known = this.#known.get(this.#hooks.target(scenario).name);
    return !known || this.#hooks.primaryKids.some((kid) => !known.has(kid));
  }

  /** Milliseconds until the target's cool-down allows a fetch (0: now). */
  cooldownLeft(scenario: Scenario): number {
    const last = this.#hooks.lastFetch();
    if (last === undefined) return 0;
    return Math.max(0, last + this.#hooks.target(scenario).cooldownMs - this.#hooks.now());
  }

  /** Runs the scenarios one at a time in the order described above; results in the given order. */
  async runAll(scenarios: readonly Scenario[]): Promise<R[]> {
    const results = new Map<Scenario, R>();
    const pending = [...scenarios];
    while (pending.length > 0) {
      const next = this.#pick(pending);
      pending.splice(pending.indexOf(next), 1);
      if (this.#hooks.shouldStop()) {
        results.set(next, this.#hooks.skipped(next));
        continue;
      }
      if (this.needsFetch(next)) {
        const left = this.cooldownLeft(next);
        if (left > 0) await this.#hooks.wait(left, next, this.#hooks.target(next));
      }
      const before = this.#hooks.lastFetch();
      results.set(next, await this.#hooks.run(next));
      if (this.#hooks.lastFetch() !== before) this.#known.set(this.#hooks.target(next).name, new Set(await this.#hooks.publishedKids()));
    }
    return scenarios.map((scenario) => results.get(scenario)!);
  }

  /** The first scenario that needs no fetch; else the first one the cool-down already allows; else the first. */
  #pick(pending: Scenario[]): Scenario {
    return pending.find((scenario) => !this.needsFetch(scenario)) ?? pending.find((scenario) => this.cooldownLeft(scenario) === 0) ?? pending[0]!;
  }
}
