import { realTime } from '../clock/clock.ts';

/*
 * The storage behind oidc-provider for one tenant: a Map with expiry. oidc-provider's own memory
 * adapter is a development LRU shared by every provider in the process (and it evicts live grants
 * past about 1000 entries), so every tenant gets one of these instead.
 *
 * oidc-provider judges expiry itself from the payload (on the tenant's clock); the store only needs
 * to forget entries once they cannot matter any more, so it works on real time: lazily on read, and
 * in bulk from a coarse expiry wheel swept on a timer, which keeps memory bounded however many
 * tokens are issued.
 */

export type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  accountId?: string;
  clientId?: string;
  consumed?: number;
};

interface Entry {
  model: string;
  id: string;
  payload: Payload;
  expiresAt: number;
}

const BUCKET_MS = 10_000;
const SWEEP_EVERY_MS = 5_000;

export class TtlStore {
  #entries = new Map<string, Entry>();
  #perModel = new Map<string, number>();
  #byGrant = new Map<string, Set<string>>();
  #byUid = new Map<string, string>();
  #byUserCode = new Map<string, string>();
  #wheel = new Map<number, string[]>();
  #timer: NodeJS.Timeout;

  constructor() {
    this.#timer = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.#timer.unref();
  }

  static key(model: string, id: string): string {
    return `${model}:${id}`;
  }

  get size(): number {
    return this.#entries.size;
  }

  upsert(model: string, id: string, payload: Payload, expiresInSeconds: number | undefined): void {
    const key = TtlStore.key(model, id);
    const previous = this.#entries.get(key);
    if (previous) this.#unindex(key, previous);
    else this.#perModel.set(model, (this.#perModel.get(model) ?? 0) + 1);
    const expiresAt = expiresInSeconds === undefined ? Infinity : realTime() + expiresInSeconds * 1000;
    this.#entries.set(key, { model, id, payload, expiresAt });
    if (payload.grantId) {
      const grantKey = `${model}:${payload.grantId}`;
      const members = this.#byGrant.get(grantKey) ?? new Set<string>();
      this.#byGrant.set(grantKey, members);
      members.add(key);
    }
    if (payload.uid) this.#byUid.set(`${model}:${payload.uid}`, key);
    if (payload.userCode) this.#byUserCode.set(`${model}:${payload.userCode}`, key);
    if (expiresAt !== Infinity) {
      const bucket = Math.ceil(expiresAt / BUCKET_MS);
      const keys = this.#wheel.get(bucket);
      if (keys) keys.push(key);
      else this.#wheel.set(bucket, [key]);
    }
  }

  /** How many entries of a model the store holds (expired ones until they are swept or looked at). */
  countOf(model: string): number {
    return this.#perModel.get(model) ?? 0;
  }

  find(model: string, id: string): Payload | undefined {
    return this.#live(TtlStore.key(model, id));
  }

  findByUid(model: string, uid: string): Payload | undefined {
    const key = this.#byUid.get(`${model}:${uid}`);
    return key === undefined ? undefined : this.#live(key);
  }

  findByUserCode(model: string, userCode: string): Payload | undefined {
    const key = this.#byUserCode.get(`${model}:${userCode}`);
    return key === undefined ? undefined : this.#live(key);
  }

  destroy(model: string, id: string): void {
    this.#delete(TtlStore.key(model, id));
  }

  revokeByGrantId(model: string, grantId: string): void {
    const members = this.#byGrant.get(`${model}:${grantId}`);
    if (!members) return;
    for (const key of [...members]) this.#delete(key);
  }

  /** Live payloads of one model, for admin look-ups (sessions and grants of a user). */
  *list(model: string): Generator<{ id: string; payload: Payload }> {
    for (const entry of this.#entries.values()) {
      if (entry.model === model && entry.expiresAt > realTime()) yield { id: entry.id, payload: entry.payload };
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#perModel.clear();
    this.#byGrant.clear();
    this.#byUid.clear();
    this.#byUserCode.clear();
    this.#wheel.clear();
  }

  /** Forgets every entry whose expiry has passed; returns how many went. */
  sweep(now = realTime()): number {
    let removed = 0;
    const due = Math.floor(now / BUCKET_MS);
    for (const [bucket, keys] of this.#wheel) {
      if (bucket > due) continue;
      this.#wheel.delete(bucket);
      for (const key of keys) {
        const entry = this.#entries.get(key);
        if (entry && entry.expiresAt <= now) {
          this.#delete(key);
          removed += 1;
        }
      }
    }
    return removed;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #live(key: string): Payload | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= realTime()) {
      this.#delete(key);
      return undefined;
    }
    return entry.payload;
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#perModel.set(entry.model, (this.#perModel.get(entry.model) ?? 1) - 1);
    this.#unindex(key, entry);
  }

  #unindex(key: string, entry: Entry): void {
    const { payload, model } = entry;
    if (payload.grantId) {
      const grantKey = `${model}:${payload.grantId}`;
      const members = this.#byGrant.get(grantKey);
      if (members) {
        members.delete(key);
        if (members.size === 0) this.#byGrant.delete(grantKey);
      }
    }
    if (payload.uid && this.#byUid.get(`${model}:${payload.uid}`) === key) this.#byUid.delete(`${model}:${payload.uid}`);
    if (payload.userCode && this.#byUserCode.get(`${model}:${payload.userCode}`) === key) this.#byUserCode.delete(`${model}:${payload.userCode}`);
  }
}

/** The oidc-provider adapter class for one tenant's store (one adapter instance per model name). */
export function adapterFor(store: TtlStore) {
  return class TenantAdapter {
    readonly name: string;

    constructor(name: string) {
      this.name = name;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      store.upsert(this.name, id, payload, expiresIn);
    }

    async find(id: string): Promise<Payload | undefined> {
      return store.find(this.name, id);
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return store.findByUid(this.name, uid);
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return store.findByUserCode(this.name, userCode);
    }

    async consume(id: string): Promise<void> {
      const payload = store.find(this.name, id);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.destroy(this.name, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      store.revokeByGrantId(this.name, grantId);
    }
  };
}
