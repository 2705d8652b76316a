import type { TtlStore } from './store.ts';

/*
 * Claims chosen at login time (the login page's JSON box, or "claims" in a headless login): they
 * belong to the grant that login creates, so they show in that grant's ID tokens and userinfo
 * answers, and in no other login of the same user.
 */

/** Claims the IdP sets itself on every token: a login cannot choose them (fault rules tamper with them). */
const PROTOCOL_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'nonce',
  'azp',
  'at_hash',
  'c_hash',
  's_hash',
  'auth_time',
  'acr',
  'amr',
  'sid',
  'cnf',
] as const;
const protocolClaims = new Set<string>(PROTOCOL_CLAIMS);

const LOGIN_CLAIMS_EXAMPLE = '{"department": "research", "roles": ["admin"]}';

/**
 * Reads the claims of a login: a JSON object, or its text (a form field). Empty means none.
 * Answers the reason in words when the input cannot be used.
 */
export function parseLoginClaims(input: unknown): { claims: Record<string, unknown> | undefined } | { problem: string } {
  if (input === undefined || input === null) return { claims: undefined };
  let value = input;
  if (typeof input === 'string') {
    if (input.trim() === '') return { claims: undefined };
    try {
      value = JSON.parse(input);
    } catch (error) {
      return { problem: `"claims" is not valid JSON (${(error as Error).message}): write a JSON object such as ${LOGIN_CLAIMS_EXAMPLE}` };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { problem: `"claims" must be a JSON object of claim names and values, got ${got}: for example ${LOGIN_CLAIMS_EXAMPLE}` };
  }
  const claims = value as Record<string, unknown>;
  const names = Object.keys(claims);
  const reserved = names.filter((name) => protocolClaims.has(name));
  if (reserved.length > 0) {
    return {
      problem: `"claims" cannot set ${reserved.map((name) => `"${name}"`).join(', ')}: the IdP sets ${reserved.length === 1 ? 'it' : 'them'} on every token (a user's "sub" is configured on the user; fault rules tamper with tokens)`,
    };
  }
  if (names.some((name) => name.trim() === '')) return { problem: '"claims" has an empty claim name: every claim needs a name' };
  return { claims: names.length > 0 ? claims : undefined };
}

const MODEL = 'LoginClaims';

/** The claims chosen at login, by grant, kept as long as the grant can live. */
export class LoginClaims {
  readonly #store: TtlStore;
  readonly #ttlSeconds: () => number;
  /** Every claim name a login has chosen: the provider must list them to let them through. */
  readonly names = new Set<string>();

  constructor(store: TtlStore, ttlSeconds: () => number) {
    this.#store = store;
    this.#ttlSeconds = ttlSeconds;
  }

  /** Adds the names of these claims; true when one was new (the provider must then be rebuilt to let it through). */
  learnNames(claims: Record<string, unknown>): boolean {
    const before = this.names.size;
    for (const name of Object.keys(claims)) this.names.add(name);
    return this.names.size > before;
  }

  remember(grantId: string, claims: Record<string, unknown>): void {
    this.#store.upsert(MODEL, grantId, { grantId, claims }, this.#ttlSeconds());
  }

  of(grantId: string | undefined): Record<string, unknown> | undefined {
    if (grantId === undefined) return undefined;
    return this.#store.find(MODEL, grantId)?.['claims'] as Record<string, unknown> | undefined;
  }

  clear(): void {
    this.names.clear();
  }
}
