import type { EndpointName } from '../provider/endpoints.ts';
import type { DecodedToken } from './tokens.ts';

export interface JournalEntry {
  /** Increasing sequence number, unique per server. */
  seq: number;
  at: string;
  tenant: string;
  /** The endpoint requested, or backchannel_logout for the IdP's own POST of a logout token to a client. */
  endpoint: EndpointName | 'backchannel_logout' | 'webfinger';
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
  /** Said when the journal could not record the request's details. */
  note?: string;
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

/** What is known of a request at once, cheaply: enough to filter and to clear without building. */
export type EntryHead = Pick<JournalEntry, 'tenant' | 'endpoint' | 'method' | 'path' | 'status' | 'latencyMs'> & {
  /** Epoch ms. */
  at: number;
  scenario?: string | undefined;
};

/** The rest of an entry, built when someone reads it (masking and decoding stay off the request path). */
type EntryDetail = Omit<JournalEntry, 'seq' | 'at' | 'tenant' | 'endpoint' | 'method' | 'path' | 'status' | 'latencyMs' | 'scenario'>;

/** Builds the detail when someone reads it; it must not capture the request context itself. */
export type EntryBuilder = () => EntryDetail;

interface Slot {
  seq: number;
  head: EntryHead;
  build: EntryBuilder | undefined;
  entry: JournalEntry | undefined;
  bytes: number;
}

export interface JournalLimits {
  /** How many entries the journal keeps. */
  limit: number;
  /** About how many bytes the kept entries may hold. */
  bytes: number;
}

/** A slot's own overhead besides the values it holds (objects, closure, numbers), roughly. */
const SLOT_BYTES = 600;

/**
 * Every protocol request the IdP saw, newest last, bounded by entry count and by an estimate of the
 * bytes the entries hold (oldest dropped first). Queries filter on the cheap head first and build
 * only the entries they return, newest first when a limit is given.
 */
export class Journal {
  readonly limit: number;
  readonly byteLimit: number;
  /** Dropped slots are cleared (undefined) until the array is compacted. */
  #slots: Array<Slot | undefined> = [];
  /** Index of the oldest live slot in #slots (dropped slots are compacted away in batches). */
  #start = 0;
  #bytes = 0;
  #seq = 0;
  #listeners = new Set<JournalListener>();

  constructor(limits: JournalLimits) {
    this.limit = limits.limit;
    this.byteLimit = limits.bytes;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /** Entries kept now. */
  get size(): number {
    return this.#slots.length - this.#start;
  }

  /** The estimated bytes held by the kept entries. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Records a request; `bytes` estimates what the builder holds (strings it captured). */
  record(head: EntryHead, build: EntryBuilder, bytes: number): void {
    const slot: Slot = { seq: ++this.#seq, head, build, entry: undefined, bytes: SLOT_BYTES + bytes };
    this.#slots.push(slot);
    this.#bytes += slot.bytes;
    while (this.size > 1 && (this.size > this.limit || this.#bytes > this.byteLimit)) {
      this.#bytes -= this.#slots[this.#start]!.bytes;
      this.#slots[this.#start] = undefined;
      this.#start += 1;
    }
    if (this.#start > 1024 && this.#start * 2 > this.#slots.length) {
      this.#slots = this.#slots.slice(this.#start);
      this.#start = 0;
    }
    if (this.#listeners.size > 0) {
      const entry = materialize(slot);
      for (const listener of this.#listeners) listener(entry);
    }
  }

  /** Matching entries, oldest first; with a limit, the newest `limit` of them. */
  query(filter: JournalQuery = {}): JournalEntry[] {
    const found: JournalEntry[] = [];
    for (const entry of this.#matching(filter)) found.push(entry);
    return found.reverse();
  }

  /** Matching entries, newest first, built one at a time (for streaming answers). */
  *#matching(filter: JournalQuery): Generator<JournalEntry> {
    let left = filter.limit ?? Infinity;
    for (let index = this.#slots.length - 1; index >= this.#start && left > 0; index -= 1) {
      const slot = this.#slots[index]!;
      if (filter.since !== undefined && slot.seq <= filter.since) break;
      const { head } = slot;
      if (filter.tenant !== undefined && head.tenant !== filter.tenant) continue;
      if (filter.endpoint !== undefined && head.endpoint !== filter.endpoint) continue;
      if (filter.status !== undefined && head.status !== filter.status) continue;
      if (filter.scenario !== undefined && head.scenario !== filter.scenario) continue;
      if (filter.clientId === undefined && filter.user === undefined) {
        left -= 1;
        yield materialize(slot);
        continue;
      }
      const entry = materialize(slot);
      if (filter.clientId !== undefined && entry.clientId !== filter.clientId) continue;
      if (filter.user !== undefined && entry.user !== filter.user) continue;
      left -= 1;
      yield entry;
    }
  }

  /** The matching entries as JSON text chunks of one array, oldest first, built as they are read. */
  *json(filter: JournalQuery = {}): Generator<string> {
    const entries = this.query(filter);
    yield '[';
    for (let index = 0; index < entries.length; index += 1) yield (index === 0 ? '' : ',') + JSON.stringify(entries[index]);
    yield ']';
  }

  clear(tenant?: string): number {
    const before = this.size;
    const kept = tenant === undefined ? [] : this.#slots.slice(this.#start).filter((slot): slot is Slot => slot !== undefined && slot.head.tenant !== tenant);
    this.#slots = kept;
    this.#start = 0;
    this.#bytes = kept.reduce((sum, slot) => sum + slot.bytes, 0);
    return before - this.size;
  }

  subscribe(listener: JournalListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function materialize(slot: Slot): JournalEntry {
  if (slot.entry) return slot.entry;
  const { head } = slot;
  let detail: EntryDetail;
  try {
    detail = slot.build!();
  } catch (error) {
    // A request the builder cannot make sense of must not make the journal unreadable.
    detail = { params: {}, note: `the details of this request could not be recorded: ${(error as Error).message}` };
  }
  slot.entry = {
    seq: slot.seq,
    at: new Date(head.at).toISOString(),
    tenant: head.tenant,
    endpoint: head.endpoint,
    method: head.method,
    path: head.path,
    status: head.status,
    latencyMs: head.latencyMs,
    ...detail,
    ...(head.scenario === undefined ? {} : { scenario: head.scenario }),
  } as JournalEntry;
  slot.build = undefined;
  return slot.entry;
}
