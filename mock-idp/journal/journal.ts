import type { EndpointName } from '../provider/endpoints.ts';
import type { DecodedToken } from './tokens.ts';

export interface JournalEntry {
  /** Increasing sequence number, unique per server. */
  seq: number;
  at: string;
  tenant: string;
  endpoint: EndpointName;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  clientId?: string;
  grantType?: string;
  /** User name (not sub) when the request is tied to a user. */
  user?: string;
  /** Masked request parameters (query and form body). */
  params: Record<string, string>;
  authorization?: string;
  /** OAuth error code when the response is an error. */
  error?: string;
  /** Header and claims of the JWTs the response carried (token endpoint), without signatures. */
  tokens?: DecodedToken[];
  /** Tag sent by the caller in the x-mockidp-scenario header. */
  scenario?: string;
  userAgent?: string;
  /** Fault rules that changed this request's response (see docs/faults.md). */
  faults?: FiredFault[];
}

export interface FiredFault {
  id: string;
  /** What the rule did, in short: "status 503", "token: sign=none". */
  action: string;
  note?: string;
}

export interface JournalQuery {
  tenant?: string | undefined;
  endpoint?: string | undefined;
  clientId?: string | undefined;
  user?: string | undefined;
  status?: number | undefined;
  scenario?: string | undefined;
  /** Only entries with seq greater than this. */
  since?: number | undefined;
  limit?: number | undefined;
}

export type JournalListener = (entry: JournalEntry) => void;

/**
 * Builds the entry when someone reads it. Recording only keeps the raw values, so masking and
 * formatting stay off the request path; the builder must not capture the request context itself.
 */
export type EntryBuilder = () => Omit<JournalEntry, 'seq'>;

interface Slot {
  seq: number;
  build: EntryBuilder | undefined;
  entry: JournalEntry | undefined;
}

/** Every protocol request the IdP saw, newest last, bounded (oldest dropped first). */
export class Journal {
  readonly limit: number;
  #slots: Slot[] = [];
  #seq = 0;
  #listeners = new Set<JournalListener>();

  constructor(limit: number) {
    this.limit = limit;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  record(build: EntryBuilder): void {
    const slot: Slot = { seq: ++this.#seq, build, entry: undefined };
    this.#slots.push(slot);
    if (this.#slots.length > this.limit * 1.25) this.#slots = this.#slots.slice(-this.limit);
    if (this.#listeners.size > 0) {
      const entry = materialize(slot);
      for (const listener of this.#listeners) listener(entry);
    }
  }

  query(filter: JournalQuery = {}): JournalEntry[] {
    const slots = this.#slots.length > this.limit ? this.#slots.slice(-this.limit) : this.#slots;
    const entries = (filter.since === undefined ? slots : slots.filter((slot) => slot.seq > filter.since!)).map(materialize);
    const matched = entries.filter(
      (entry) =>
        (filter.tenant === undefined || entry.tenant === filter.tenant) &&
        (filter.endpoint === undefined || entry.endpoint === filter.endpoint) &&
        (filter.clientId === undefined || entry.clientId === filter.clientId) &&
        (filter.user === undefined || entry.user === filter.user) &&
        (filter.status === undefined || entry.status === filter.status) &&
        (filter.scenario === undefined || entry.scenario === filter.scenario) &&
        (filter.since === undefined || entry.seq > filter.since),
    );
    return filter.limit === undefined ? matched : matched.slice(-filter.limit);
  }

  clear(tenant?: string): number {
    const before = this.#slots.length;
    this.#slots = tenant === undefined ? [] : this.#slots.filter((slot) => materialize(slot).tenant !== tenant);
    return before - this.#slots.length;
  }

  subscribe(listener: JournalListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function materialize(slot: Slot): JournalEntry {
  if (!slot.entry) {
    slot.entry = { seq: slot.seq, ...slot.build!() } as JournalEntry;
    slot.build = undefined;
  }
  return slot.entry;
}
