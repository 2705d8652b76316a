import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { KeySpec, SigningAlg } from '../config/schema.ts';
import { refillKeyPool, takePooledRsaKey } from './key-pool.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';

type KeyStatus = 'active' | 'retired';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  status: KeyStatus;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: number;
  /** For retired keys: when (epoch ms, tenant clock) the key leaves the JWKS. */
  retiresAt?: number;
}

export interface KeySummary {
  kid: string;
  alg: SigningAlg;
  kty: string;
  status: KeyStatus;
  createdAt: string;
  retiresAt?: string;
}

const generationOptions: Partial<Record<SigningAlg, { modulusLength?: number; crv?: string }>> = {
  EdDSA: { crv: 'Ed25519' },
};

const RSA_ALGS: ReadonlySet<SigningAlg> = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);

/** A new key for alg; RSA keys come from the key pool when it has one (see key-pool.ts). */
export async function generateSigningKey(alg: SigningAlg, kid?: string, now = Date.now()): Promise<SigningKey> {
  const pooled = RSA_ALGS.has(alg) ? await takePooledRsaKey() : undefined;
  if (pooled) return fromPrivateJwk(pooled, alg, kid, now);
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...generationOptions[alg] });
  return fromPrivateJwk(await exportJWK(privateKey), alg, kid, now);
}

/*
 * Keys already found usable, by algorithm and JWK: a harness gives the same keys to every tenant it makes
 * (hundreds a run), and importing a private RSA key to check it costs a few tenths of a millisecond each time.
 */
const usableKeys = new Map<string, Promise<void>>();
const USABLE_KEYS_KEPT = 64;

/** Rejects a key that does not fit the algorithm (once per key and algorithm). */
function checkUsable(jwk: JWK, alg: SigningAlg): Promise<void> {
  const id = `${alg} ${JSON.stringify(jwk)}`;
  let check = usableKeys.get(id);
  if (!check) {
    check = importJWK(jwk, alg).then(() => undefined);
    check.catch(() => usableKeys.delete(id));
    usableKeys.set(id, check);
    if (usableKeys.size > USABLE_KEYS_KEPT) usableKeys.delete(usableKeys.keys().next().value!);
  }
  return check;
}

async function fromPrivateJwk(jwk: JWK, alg: SigningAlg, kid: string | undefined, now: number): Promise<SigningKey> {
  if (!jwk.d) throw new Error(`key for ${alg} must be a private JWK (it has no "d")`);
  await checkUsable(jwk, alg);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk;
  const id = kid ?? jwk.kid ?? (await calculateJwkThumbprint(publicPart));
  const decorated = { ...publicPart, kid: id, alg, use: 'sig' };
  return { kid: id, alg, status: 'active', privateJwk: { ...jwk, kid: id, alg, use: 'sig' }, publicJwk: decorated, createdAt: now };
}

async function keyFromSpec(spec: KeySpec, now = Date.now()): Promise<SigningKey> {
  if (spec.jwk) return fromPrivateJwk(spec.jwk as JWK, spec.alg, spec.kid, now);
  return generateSigningKey(spec.alg, spec.kid, now);
}

/** A configured key that cannot be used; `path` is relative to the tenant (keys[1], keys). */
export class KeySpecError extends InvalidInputError {
  override readonly name: string = 'KeySpecError';
  readonly path: string;
  constructor(path: string, message: string) {
    super(message, [{ path, message }]);
    this.path = path;
  }
}

/**
 * The signing keys of one tenant: one active key per algorithm, plus rotated-out keys that stay
 * published until their grace period ends. Order matters to oidc-provider: for each algorithm it
 * signs with the first matching key, so active keys come first.
 */
export class KeySet {
  #keys: SigningKey[];

  private constructor(keys: SigningKey[]) {
    this.#keys = keys;
    this.#assertUniqueKids();
  }

  /** Throws KeySpecError naming the key that is not a usable private JWK, or a duplicate kid. */
  static async create(specs: KeySpec[], now = Date.now()): Promise<KeySet> {
    const keys = await Promise.all(
      specs.map((spec, index) =>
        keyFromSpec(spec, now).catch((error: Error) => {
          throw new KeySpecError(`keys[${index}]`, `not a usable private ${spec.alg} key: ${error.message}`);
        }),
      ),
    );
    return new KeySet(keys);
  }

  static fromKeys(keys: SigningKey[]): KeySet {
    return new KeySet(keys);
  }

  #assertUniqueKids(): void {
    const seen = new Set<string>();
    for (const key of this.#keys) {
      if (seen.has(key.kid)) throw new KeySpecError('keys', `duplicate key id "${key.kid}": give each key its own kid`);
      seen.add(key.kid);
    }
  }

  get keys(): readonly SigningKey[] {
    return this.#keys;
  }

  algorithms(): SigningAlg[] {
    return [...new Set(this.#keys.filter((key) => key.status === 'active').map((key) => key.alg))];
  }

  active(alg: SigningAlg): SigningKey | undefined {
    return this.#keys.find((key) => key.status === 'active' && key.alg === alg);
  }

  /** Signs claims with a key of the set (its header names the key's alg and kid). */
  async sign(key: SigningKey, payload: JWTPayload, typ: string): Promise<{ token: string; header: { alg: string; kid: string; typ: string } }> {
    const header = { alg: key.alg, kid: key.kid, typ };
    return { token: await new SignJWT(payload).setProtectedHeader(header).sign(await importJWK(key.privateJwk, key.alg)), header };
  }

  /** Private JWKs for oidc-provider's `jwks` option, active keys first. */
  providerJwks(): { keys: JWK[] } {
    const ordered = [...this.#keys.filter((key) => key.status === 'active'), ...this.#keys.filter((key) => key.status === 'retired')];
    return { keys: ordered.map((key) => key.privateJwk) };
  }

  publicJwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((key) => key.publicJwk) };
  }

  /** Adds a new active key for alg; the previous active key of alg stays published for graceSeconds. */
  async rotate(alg: SigningAlg, graceSeconds: number, now = Date.now(), kid?: string): Promise<{ added: SigningKey; retired?: SigningKey }> {
    const added = await generateSigningKey(alg, kid, now);
    refillKeyPool();
    if (this.#keys.some((key) => key.kid === added.kid)) throw new ConflictError(`key id "${added.kid}" is already in use: choose another kid`);
    const previous = this.active(alg);
    if (previous) {
      previous.status = 'retired';
      previous.retiresAt = now + graceSeconds * 1000;
    }
    this.#keys = [added, ...this.#keys];
    this.prune(now);
    return previous ? { added, retired: previous } : { added };
  }

  /** Removes a key at once (no grace). Refuses to remove the last key. */
  revoke(kid: string): SigningKey {
    const key = this.#keys.find((candidate) => candidate.kid === kid);
    if (!key) throw new KeyNotFoundError(kid);
    if (this.#keys.length === 1) throw new ConflictError('cannot revoke the only key of the tenant: rotate first, then revoke the old key');
    this.#keys = this.#keys.filter((candidate) => candidate !== key);
    if (key.status === 'active') {
      // Promote the newest retired key of the same algorithm, so the algorithm keeps a signer.
      const successor = this.#keys.find((candidate) => candidate.alg === key.alg);
      if (successor) {
        successor.status = 'active';
        delete successor.retiresAt;
      }
    }
    return key;
  }

  /** Drops retired keys whose grace has passed; true when the set changed. */
  prune(now = Date.now()): boolean {
    const before = this.#keys.length;
    this.#keys = this.#keys.filter((key) => key.status !== 'retired' || (key.retiresAt ?? Infinity) > now);
    return this.#keys.length !== before;
  }

  /** Drops the oldest rotated-out keys until at most `max` keys remain (active keys always stay). */
  dropOldestRetired(max: number): void {
    const retired = this.#keys.filter((key) => key.status === 'retired').sort((a, b) => a.createdAt - b.createdAt);
    const excess = new Set(retired.slice(0, Math.max(0, this.#keys.length - max)));
    if (excess.size > 0) this.#keys = this.#keys.filter((key) => !excess.has(key));
  }

  nextRetirement(): number {
    // Asked on every request: no array made.
    let next = Infinity;
    for (const key of this.#keys) if (key.retiresAt !== undefined && key.retiresAt < next) next = key.retiresAt;
    return next;
  }

  summaries(): KeySummary[] {
    return this.#keys.map((key) => ({
      kid: key.kid,
      alg: key.alg,
      kty: String(key.publicJwk.kty),
      status: key.status,
      createdAt: new Date(key.createdAt).toISOString(),
      ...(key.retiresAt === undefined ? {} : { retiresAt: new Date(key.retiresAt).toISOString() }),
    }));
  }
}

class KeyNotFoundError extends NotFoundError {
  override readonly name: string = 'KeyNotFoundError';
  constructor(kid: string) {
    super(`no key with kid "${kid}"`);
  }
}
