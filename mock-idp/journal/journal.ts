import type { EndpointName } from '../provider/endpoints.ts';

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
  /** Tag sent by the caller in the x-mockidp-scenario header. */
  scenario?: string;
  userAgent?: string;
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

/** Every protocol request the IdP saw, newest last, bounded (oldest dropped first). */
export class Journal {
  readonly limit: number;
  #entries: JournalEntry[] = [];
  #seq = 0;
  #listeners = new Set<JournalListener>();

  constructor(limit: number) {
    this.limit = limit;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full = { seq: ++this.#seq, ...entry } as JournalEntry;
    this.#entries.push(full);
    if (this.#entries.length > this.limit * 1.25) this.#entries = this.#entries.slice(-this.limit);
    for (const listener of this.#listeners) listener(full);
    return full;
  }

  query(filter: JournalQuery = {}): JournalEntry[] {
    const entries = this.#entries.length > this.limit ? this.#entries.slice(-this.limit) : this.#entries;
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
    const before = this.#entries.length;
    this.#entries = tenant === undefined ? [] : this.#entries.filter((entry) => entry.tenant !== tenant);
    return before - this.#entries.length;
  }

  subscribe(listener: JournalListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
