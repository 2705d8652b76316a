import type { JWK } from 'jose';
import { UpstreamError } from './errors.ts';
import { excerpt, fetchJson, isObject } from './http.ts';

export interface JwksCacheOptions {
  /** Where the key set is; resolved on each load (from discovery). */
  jwksUri: () => Promise<string>;
  now: () => number;
  /** A loaded key set is reloaded on use once it is this old. */
  maxAgeSeconds: number;
  /** A token with an unknown kid triggers a reload at most this often (so random kids cannot flood the IdP). */
  refetchCooldownSeconds: number;
  /** Reload when a token names an unknown kid (false only in the never-refetch-jwks flaw). */
  refetchOnUnknownKid: boolean;
  timeoutMs: number;
}

export interface JwksLookup {
  jwk: JWK | undefined;
  /** Why the kid was not found, when it was not. */
  reason?: string;
}

/**
 * The IdP's signing keys by kid. Loaded on first use, reloaded when older than maxAgeSeconds, and
 * reloaded when a token names a kid the cache does not know (key rotation), rate limited by
 * refetchCooldownSeconds. A reload replaces the whole set, so keys the IdP removed stop being
 * trusted. A kid that appears twice in the set is refused (the key it names is ambiguous); a
 * malformed key only affects tokens that name it.
 */
export class JwksCache {
  readonly #options: JwksCacheOptions;
  #keys = new Map<string, JWK | 'duplicate'>();
  /** Every key of the set, with or without a kid, in the IdP's order (for tokens that name no kid). */
  #all: JWK[] = [];
  #loadedAt: number | undefined;
  #lastUnknownKidReload: number | undefined;
  #loading: Promise<void> | undefined;
  /** How many times the key set was fetched (for tests and diagnostics). */
  fetches = 0;

  constructor(options: JwksCacheOptions) {
    this.#options = options;
  }

  async find(kid: string): Promise<JwksLookup> {
    const { now, maxAgeSeconds, refetchOnUnknownKid, refetchCooldownSeconds } = this.#options;
    if (this.#loadedAt === undefined || (refetchOnUnknownKid && now() - this.#loadedAt >= maxAgeSeconds * 1000)) await this.#load();
    if (!this.#keys.has(kid) && refetchOnUnknownKid) {
      const last = this.#lastUnknownKidReload;
      if (last === undefined || now() - last >= refetchCooldownSeconds * 1000) {
        this.#lastUnknownKidReload = now();
        await this.#load();
      } else {
        return {
          jwk: undefined,
          reason: `no key with kid "${kid}" in the IdP's JWKS (not refetched: the last refetch for an unknown kid was less than ${refetchCooldownSeconds} s ago)`,
        };
      }
    }
    const found = this.#keys.get(kid);
    if (found === 'duplicate') return { jwk: undefined, reason: `the IdP's JWKS has more than one key with kid "${kid}"` };
    if (!found) return { jwk: undefined, reason: `no key with kid "${kid}" in the IdP's JWKS` };
    return { jwk: found };
  }

  /**
   * The keys of the set that could verify a token signed with alg, for a token that names no kid
   * (OpenID certification rp-id_token-kid-absent-*: a single such key is the one; with several, an RP
   * may try each). Loads the set on first use.
   */
  async candidates(alg: string): Promise<JWK[]> {
    const { now, maxAgeSeconds, refetchOnUnknownKid } = this.#options;
    if (this.#loadedAt === undefined || (refetchOnUnknownKid && now() - this.#loadedAt >= maxAgeSeconds * 1000)) await this.#load();
    return this.#all.filter((jwk) => fits(jwk, alg));
  }

  /** Fetches the set again because no key verified a token, at most once per cool-down; false when the cool-down refused. */
  async reloadForUnknownKey(): Promise<boolean> {
    const { now, refetchOnUnknownKid, refetchCooldownSeconds } = this.#options;
    if (!refetchOnUnknownKid) return false;
    const last = this.#lastUnknownKidReload;
    if (last !== undefined && now() - last < refetchCooldownSeconds * 1000) return false;
    this.#lastUnknownKidReload = now();
    await this.#load();
    return true;
  }

  #load(): Promise<void> {
    this.#loading ??= this.#fetch().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #fetch(): Promise<void> {
    const uri = await this.#options.jwksUri();
    this.fetches += 1;
    const response = await fetchJson(uri, { timeoutMs: this.#options.timeoutMs, what: 'JWKS', headers: { accept: 'application/json' } });
    if (response.status !== 200) throw new UpstreamError(`the IdP's JWKS at ${uri} answered ${response.status}: ${excerpt(response.text)}`, response.status);
    const keys = isObject(response.body) ? response.body['keys'] : undefined;
    if (!Array.isArray(keys)) throw new UpstreamError(`the IdP's JWKS at ${uri} is not a JSON key set ({"keys": [...]}): ${excerpt(response.text)}`);
    const byKid = new Map<string, JWK | 'duplicate'>();
    const all: JWK[] = [];
    for (const key of keys) {
      if (!isObject(key) || typeof key['kty'] !== 'string') continue;
      all.push(key as JWK);
      if (typeof key['kid'] !== 'string') continue;
      byKid.set(key['kid'], byKid.has(key['kid']) ? 'duplicate' : (key as JWK));
    }
    this.#keys = byKid;
    this.#all = all;
    this.#loadedAt = this.#options.now();
  }
}

const CURVES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** Whether a published key can verify a signature of this JWS algorithm (its kty, curve, alg and use). */
function fits(jwk: JWK, alg: string): boolean {
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (/^(RS|PS)\d{3}$/.test(alg)) return jwk.kty === 'RSA';
  if (CURVES[alg]) return jwk.kty === 'EC' && jwk.crv === CURVES[alg];
  if (alg === 'EdDSA' || alg === 'Ed25519') return jwk.kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'Ed448');
  return false;
}
