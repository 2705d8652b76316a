import type { JWK, JWTPayload, ProtectedHeaderParameters } from 'jose';
import { Discovery } from './discovery.ts';
import { TokenError } from './errors.ts';
import { JwksCache, type JwksCacheOptions } from './jwks-cache.ts';

/** Where the key that verifies a token comes from. */
export interface KeySource {
  /** The key a token's kid names. */
  keyFor(header: ProtectedHeaderParameters, unverifiedClaims: () => JWTPayload): Promise<JWK>;
  /** For a token that names no kid: the keys that fit its alg. */
  candidatesFor(header: ProtectedHeaderParameters, unverifiedClaims: () => JWTPayload): Promise<JWK[]>;
  /** No candidate verified a token without kid: fetch the keys again if the cool-down allows (true when it did). */
  reload(unverifiedClaims: () => JWTPayload): Promise<boolean>;
}

/** The configured issuer's keys, by kid (the correct source). */
export class IssuerKeys implements KeySource {
  readonly cache: JwksCache;
  constructor(cache: JwksCache) {
    this.cache = cache;
  }

  async keyFor(header: ProtectedHeaderParameters): Promise<JWK> {
    const kid = header.kid as string;
    const { jwk, reason } = await this.cache.find(kid);
    if (!jwk) throw new TokenError('kid', reason ?? `no key with kid "${kid}"`);
    return jwk;
  }

  candidatesFor(header: ProtectedHeaderParameters): Promise<JWK[]> {
    return this.cache.candidates(String(header.alg));
  }

  reload(): Promise<boolean> {
    return this.cache.reloadForUnknownKey();
  }
}

/**
 * FLAW trust-unverified-iss: the issuer named inside the (not yet verified) token decides whose
 * keys verify it, so any IdP can sign tokens that pass.
 */
export class TokenIssuerKeys implements KeySource {
  readonly #caches = new Map<string, IssuerKeys>();
  readonly #options: Omit<JwksCacheOptions, 'jwksUri'>;
  constructor(options: Omit<JwksCacheOptions, 'jwksUri'>) {
    this.#options = options;
  }

  async keyFor(header: ProtectedHeaderParameters, unverifiedClaims: () => JWTPayload): Promise<JWK> {
    return this.#keysOf(unverifiedClaims).keyFor(header);
  }

  candidatesFor(header: ProtectedHeaderParameters, unverifiedClaims: () => JWTPayload): Promise<JWK[]> {
    return this.#keysOf(unverifiedClaims).candidatesFor(header);
  }

  reload(unverifiedClaims: () => JWTPayload): Promise<boolean> {
    return this.#keysOf(unverifiedClaims).reload();
  }

  #keysOf(unverifiedClaims: () => JWTPayload): IssuerKeys {
    const iss = unverifiedClaims().iss;
    if (typeof iss !== 'string') throw new TokenError('issuer', 'the token has no iss');
    let keys = this.#caches.get(iss);
    if (!keys) {
      const discovery = new Discovery(iss, { timeoutMs: this.#options.timeoutMs });
      keys = new IssuerKeys(new JwksCache({ ...this.#options, jwksUri: async () => (await discovery.get()).jwks_uri }));
      this.#caches.set(iss, keys);
    }
    return keys;
  }
}
