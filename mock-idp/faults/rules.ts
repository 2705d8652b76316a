import { randomBytes } from 'node:crypto';
import { answersInstead, faultRuleSchema, FAULT_ENDPOINTS, type FaultEndpoint, type FaultRule } from './schema.ts';

/*
 * The fault rules of one tenant and their counters. A rule is decided in one of two phases:
 * before the IdP handles the request (actions that answer instead of it, latency, key rotation)
 * or after (actions that change its response). Its counters (matches seen, times fired, the
 * seeded draws) advance only in that phase, so nth and count mean what they say.
 */

export interface FaultRequest {
  endpoint: FaultEndpoint | 'other';
  method: string;
  tag: string | undefined;
  client: string | undefined;
  grant: string | undefined;
  /** From the credentials the request carries (before), or what the IdP loaded (after). */
  user?: string | undefined;
}

/** before/after the IdP handles the request; logout: while it sends back-channel logout tokens. */
export type FaultPhase = 'before' | 'after' | 'logout';

interface RuleState {
  rule: FaultRule;
  matched: number;
  fired: number;
  random: () => number;
}

/** mulberry32: a small seeded generator, so that probability draws repeat with the same seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function phaseOf(rule: FaultRule): FaultPhase {
  if (answersInstead(rule.action) || rule.action.rotateKeys || rule.action.revokeGrant || rule.action.dpop) return 'before';
  if (rule.action.token?.of === 'logout_token') return 'logout';
  if (rule.match.user !== undefined) return 'after';
  const onlyLatency = Object.entries(rule.action).every(([key, value]) => key === 'latency' || value === undefined);
  return onlyLatency ? 'before' : 'after';
}

/** Parses a rule; throws the ZodError for callers to report with field paths. */
export function parseFaultRule(input: unknown): FaultRule {
  const rule = faultRuleSchema.parse(input);
  return { ...rule, id: rule.id ?? `fault-${randomBytes(4).toString('hex')}` };
}

export class FaultRules {
  #states: RuleState[] = [];
  /**
   * The rules of each phase that can match each endpoint, in the order they were added; rebuilt on
   * change, so that a request only looks at the rules that concern it, however many there are.
   */
  #index: Map<string, RuleState[]> | undefined;

  get size(): number {
    return this.#states.length;
  }

  has(id: string): boolean {
    return this.#states.some((state) => state.rule.id === id);
  }

  list(): Array<FaultRule & { matched: number; fired: number }> {
    return this.#states.map(({ rule, matched, fired }) => ({ ...rule, matched, fired }));
  }

  /** Adds a parsed rule (replacing one with the same id) and returns it. */
  add(rule: FaultRule): FaultRule {
    const state: RuleState = { rule, matched: 0, fired: 0, random: seeded(rule.seed ?? 0x5eed) };
    const index = this.#states.findIndex((existing) => existing.rule.id === rule.id);
    if (index >= 0) this.#states[index] = state;
    else this.#states.push(state);
    this.#index = undefined;
    return rule;
  }

  remove(id: string): boolean {
    const before = this.#states.length;
    this.#states = this.#states.filter((state) => state.rule.id !== id);
    this.#index = undefined;
    return this.#states.length < before;
  }

  clear(): number {
    const count = this.#states.length;
    this.#states = [];
    this.#index = undefined;
    return count;
  }

  #statesFor(endpoint: FaultRequest['endpoint'], phase: FaultPhase): RuleState[] {
    if (!this.#index) {
      const index = new Map<string, RuleState[]>();
      for (const state of this.#states) {
        const endpoints = (state.rule.match.endpoint as string[] | undefined) ?? [...FAULT_ENDPOINTS, 'other'];
        for (const name of endpoints) {
          const key = `${phaseOf(state.rule)} ${name}`;
          const list = index.get(key);
          if (list) list.push(state);
          else index.set(key, [state]);
        }
      }
      this.#index = index;
    }
    return this.#index.get(`${phase} ${endpoint}`) ?? [];
  }

  /** The rules of this phase that could match a request to the endpoint, in the order they were added. */
  candidates(endpoint: FaultRequest['endpoint'], phase: FaultPhase): FaultRule[] {
    return this.#statesFor(endpoint, phase).map((state) => state.rule);
  }

  /** Whether any rule of this phase could concern the endpoint (lets requests skip all work). */
  concerns(endpoint: FaultRequest['endpoint'], phase: FaultPhase): boolean {
    return this.#statesFor(endpoint, phase).length > 0;
  }

  /** Whether a rule of this phase needs the client or grant type of a request to decide. */
  needsParams(endpoint: FaultRequest['endpoint'], phase: FaultPhase): boolean {
    return this.candidates(endpoint, phase).some((rule) => rule.match.client !== undefined || rule.match.grant !== undefined);
  }

  /** Whether a rule of this phase needs the grant or the user of a request's credentials (before the IdP). */
  needsGrant(endpoint: FaultRequest['endpoint'], phase: FaultPhase): boolean {
    return this.candidates(endpoint, phase).some((rule) => rule.match.user !== undefined || rule.action.revokeGrant === true);
  }

  /**
   * The rules of this phase that fire for the request, counters advanced. `applies` says whether
   * a rule's action has anything to change in this response (a rule that would change nothing
   * does not count it as a match).
   */
  fire(request: FaultRequest, phase: FaultPhase, applies: (rule: FaultRule) => boolean = () => true): FaultRule[] {
    const fired: FaultRule[] = [];
    for (const state of this.#statesFor(request.endpoint, phase)) {
      const { rule } = state;
      if (!matches(rule, request) || !applies(rule)) continue;
      state.matched += 1;
      const skip = rule.nth !== undefined ? rule.nth - 1 : (rule.after ?? 0);
      if (state.matched <= skip) continue;
      const limit = rule.count ?? (rule.nth !== undefined ? 1 : Infinity);
      if (state.fired >= limit) continue;
      if (rule.probability !== undefined && state.random() >= rule.probability) continue;
      state.fired += 1;
      fired.push(rule);
    }
    return fired;
  }
}

function matches(rule: FaultRule, request: FaultRequest): boolean {
  const { match } = rule;
  if (match.endpoint && !(match.endpoint as string[]).includes(request.endpoint)) return false;
  if (match.method && match.method !== request.method) return false;
  if (request.method === 'OPTIONS' && match.method !== 'OPTIONS' && rule.action.cors === undefined) return false;
  if (match.tag !== undefined && match.tag !== request.tag) return false;
  if (match.client && (request.client === undefined || !match.client.includes(request.client))) return false;
  if (match.grant && (request.grant === undefined || !match.grant.includes(request.grant))) return false;
  if (match.user && (request.user === undefined || !match.user.includes(request.user))) return false;
  return true;
}

export type { FaultRule };
