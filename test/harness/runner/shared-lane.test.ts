import { describe, expect, it } from 'vitest';
import type { ScenarioNeeds } from '../../../harness/runner/needs.ts';
import { SharedLane } from '../../../harness/runner/shared-lane.ts';
import type { Scenario } from '../../../harness/scenario/model.ts';

/*
 * The order in which a long-lived target runs its scenarios, against a simulated target and clock:
 * a scenario that makes the target fetch the JWKS records a fetch, and the lane must never start a
 * scenario that needs a fetch before the target's cool-down has passed since the last one.
 */

const PRIMARY = ['k-rs', 'k-es'];
const COOLDOWN = 30_000;

function lane(plan: Record<string, Partial<ScenarioNeeds> & { ms?: number; learns?: string[] }>) {
  let now = 1_000_000;
  let lastFetch: number | undefined;
  let published = PRIMARY;
  const log: string[] = [];
  const scenarios = Object.keys(plan).map((id) => ({ id, name: id }) as Scenario);
  const needs = (scenario: Scenario): ScenarioNeeds => ({
    operations: [],
    profile: undefined,
    freshTarget: false,
    ownKeys: false,
    keyChanges: false,
    ...plan[scenario.id],
  });
  const sharedLane: SharedLane<string> = new SharedLane<string>({
    needs,
    target: () => ({ name: 'authenticator', cooldownMs: COOLDOWN }),
    primaryKids: PRIMARY,
    lastFetch: () => lastFetch,
    publishedKids: async () => published,
    now: () => now,
    async wait(ms) {
      log.push(`wait ${ms / 1000}`);
      now += ms;
    },
    async run(scenario): Promise<string> {
      const entry = plan[scenario.id]!;
      const fetches = sharedLane.needsFetch(scenario);
      if (fetches) {
        expect(lastFetch === undefined || now - lastFetch >= COOLDOWN, `${scenario.id} started within the cool-down`).toBe(true);
        lastFetch = now;
        published = entry.learns ?? PRIMARY;
      }
      now += entry.ms ?? 100;
      log.push(scenario.id);
      return scenario.id;
    },
    skipped: (scenario) => `skipped ${scenario.id}`,
    shouldStop: () => false,
  });
  return { run: () => sharedLane.runAll(scenarios), log };
}

describe('SharedLane', () => {
  it('runs the ordinary scenarios first and waits out the cool-down before each one that needs the target to fetch keys', async () => {
    const { run, log } = lane({
      plain1: {},
      rotation: { keyChanges: true },
      plain2: {},
      ownKeys: { ownKeys: true, learns: ['k-own'] },
      plain3: {},
    });
    const results = await run();
    expect(results).toEqual(['plain1', 'rotation', 'plain2', 'ownKeys', 'plain3']);
    expect(log).toEqual(['plain1', 'plain2', 'plain3', 'wait 29.7', 'rotation', 'wait 29.9', 'ownKeys']);
  });

  it('lets the target learn the suite keys again, after the cool-down, once a scenario left it with other keys', async () => {
    const { run, log } = lane({
      ownKeys: { ownKeys: true, learns: ['k-own'] },
      plainA: {},
      plainB: {},
    });
    await run();
    expect(log).toEqual(['ownKeys', 'wait 29.9', 'plainA', 'plainB']);
  });

  it('starts a scenario that needs a fetch at once when the target has fetched nothing in this run', async () => {
    const { run, log } = lane({ rotation: { keyChanges: true } });
    await run();
    expect(log).toEqual(['rotation']);
  });
});
