/*
 * What happened during a scenario, for the sequence diagram: every HTTP exchange between the
 * browser (user agent), the runner, the target and the IdP, with secrets masked and the JWTs that
 * crossed each arrow decoded (header and claims only, never the signature).
 */

export type Actor = 'browser' | 'runner' | 'target' | 'idp';

export interface DecodedJwt {
  field: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export interface TraceExchange {
  type: 'exchange';
  step: number;
  /** ms since the scenario started. */
  at: number;
  ms: number;
  from: Actor;
  to: Actor;
  method: string;
  url: string;
  status?: number;
  error?: string;
  label?: string;
  request?: { headers?: Record<string, string>; body?: unknown };
  response?: { headers?: Record<string, string>; body?: unknown };
  tokens?: DecodedJwt[];
  /** Requests the target made to the IdP while handling this one (from the IdP journal). */
  nested?: TraceExchange[];
}

interface TraceNote {
  type: 'note';
  step: number;
  at: number;
  actor: Actor;
  text: string;
}

export type TraceEvent = TraceExchange | TraceNote;

export class Trace {
  readonly events: TraceEvent[] = [];
  readonly #started = performance.now();
  #limit: number;

  constructor(limit = 400) {
    this.#limit = limit;
  }

  elapsed(): number {
    return Math.round((performance.now() - this.#started) * 10) / 10;
  }

  add(event: TraceEvent): void {
    if (this.events.length < this.#limit) this.events.push(event);
  }

  note(step: number, actor: Actor, text: string): void {
    this.add({ type: 'note', step, at: this.elapsed(), actor, text });
  }
}
