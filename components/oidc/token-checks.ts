import { compactVerify, decodeJwt, decodeProtectedHeader, exportSPKI, importJWK, type JWK, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { TokenError } from './errors.ts';
import type { KeySource } from './key-sources.ts';

/*
 * Token validation as a pipeline of named checks (the shape of oidc-provider's endpoints, e.g. lib/actions/revocation.js). Each check reads or fills the
 * TokenCheck record and throws a TokenError to refuse. A flawed variant replaces or drops one check
 * by name (see ./token-flaws.ts), so the difference between the correct and the flawed component
 * is one visible line.
 */

export interface TokenPolicy {
  /** The expected iss, compared exactly. */
  issuer: string;
  /** aud must contain one of these (client ids, or an API's audience). */
  audiences: readonly string[];
  /** Other audiences that may appear next to ours. */
  trustedAudiences: readonly string[];
  /** Accept audiences that are neither ours nor trusted, as long as azp names one of ours (AWS-like). */
  allowUntrustedAudiences: boolean;
  /** JWS algorithms accepted; never "none", never HMAC. */
  algorithms: readonly string[];
  /** Tolerance for exp, nbf and iat, in seconds. */
  clockSkewSeconds: number;
  /** Token types (JOSE typ header) that are refused, e.g. at+jwt for ID tokens. */
  forbiddenTypes: readonly string[];
  /** Tokens longer than this are refused before anything else. */
  maxLength: number;
  now: () => number;
}

export interface TokenCheck {
  readonly token: string;
  readonly policy: TokenPolicy;
  readonly keys: KeySource;
  /** When set, the nonce claim must equal it. */
  readonly expectedNonce: string | undefined;
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
}

export type TokenStep = ((check: TokenCheck) => void | Promise<void>) & { readonly name: string };

function readHeader(check: TokenCheck): void {
  if (check.token.length > check.policy.maxLength)
    throw new TokenError('malformed', `the token is ${check.token.length} characters long; at most ${check.policy.maxLength} are accepted`);
  if (check.token.split('.').length !== 3) throw new TokenError('malformed', 'the token is not a compact JWS (three base64url parts separated by dots)');
  try {
    check.header = decodeProtectedHeader(check.token);
  } catch {
    throw new TokenError('malformed', 'the token header is not base64url-encoded JSON');
  }
}

export function checkAlgorithm(check: TokenCheck): void {
  const { alg } = check.header;
  if (typeof alg !== 'string' || !check.policy.algorithms.includes(alg)) {
    throw new TokenError('algorithm', `the token's alg ${JSON.stringify(alg)} is not allowed; allowed: ${check.policy.algorithms.join(', ')}`);
  }
}

export function requireKid(check: TokenCheck): void {
  const { kid } = check.header;
  if (typeof kid !== 'string' || kid === '') throw new TokenError('kid', 'the token header has no kid (a non-empty string is required to pick the IdP key)');
}

/**
 * A kid, when the token has one, is a non-empty string. Without one the signature is checked with
 * the IdP's keys that fit the algorithm (OpenID certification rp-id_token-kid-absent-single-jwks
 * and -multiple-jwks).
 */
export function checkKid(check: TokenCheck): void {
  const { kid } = check.header;
  if (kid !== undefined && (typeof kid !== 'string' || kid === ''))
    throw new TokenError('kid', `the token's kid ${JSON.stringify(kid)} is not a non-empty string`);
}

const imported = new WeakMap<JWK, Map<string, CryptoKey | Uint8Array>>();

async function importVerificationKey(jwk: JWK, alg: string): Promise<CryptoKey | Uint8Array> {
  let byAlg = imported.get(jwk);
  if (!byAlg) {
    byAlg = new Map();
    imported.set(jwk, byAlg);
  }
  let key = byAlg.get(alg);
  if (!key) {
    key = await importJWK(jwk, alg);
    byAlg.set(alg, key);
  }
  return key;
}

/** Tokens without kid: how many keys of one algorithm are tried at most (a JWKS is no key store). */
const MAX_CANDIDATES = 8;

export async function verifySignature(check: TokenCheck): Promise<void> {
  if (check.header.kid === undefined) return verifyWithoutKid(check);
  const { alg, kid } = check.header as { alg: string; kid: string };
  const jwk = await check.keys.keyFor(check.header, () => decodeJwt(check.token));
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new TokenError('kid', `key "${kid}" is published for use "${jwk.use}", not for signatures`);
  if (jwk.alg !== undefined && jwk.alg !== alg) throw new TokenError('algorithm', `the token says alg ${alg}, but key "${kid}" is published for ${jwk.alg}`);
  let key: CryptoKey | Uint8Array;
  try {
    key = await importVerificationKey(jwk, alg);
  } catch (error) {
    throw new TokenError('signature', `key "${kid}" (kty ${jwk.kty}) cannot verify ${alg}: ${(error as Error).message}`);
  }
  check.claims = parseClaims(await verifyWith(check.token, key, alg, kid));
}

/** A token that names no kid: each key that fits its alg is tried; when none verifies, the keys are fetched again once. */
async function verifyWithoutKid(check: TokenCheck): Promise<void> {
  const alg = check.header.alg as string;
  const unverified = () => decodeJwt(check.token);
  let candidates: JWK[] = [];
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (attempt === 1 && !(await check.keys.reload(unverified))) break;
    candidates = (await check.keys.candidatesFor(check.header, unverified)).slice(0, MAX_CANDIDATES);
    for (const jwk of candidates) {
      const key = await importVerificationKey(jwk, alg).catch(() => undefined);
      if (!key) continue;
      const payload = await compactVerify(check.token, key, { algorithms: [alg] }).then(
        (verified) => verified.payload,
        () => undefined,
      );
      if (payload) {
        check.claims = parseClaims(payload);
        return;
      }
    }
  }
  throw new TokenError(
    candidates.length === 0 ? 'kid' : 'signature',
    candidates.length === 0
      ? `the token names no kid, and the IdP's JWKS has no key for ${alg}`
      : `the token names no kid, and its signature verifies with none of the IdP's ${candidates.length} key${candidates.length === 1 ? '' : 's'} for ${alg}`,
  );
}

async function verifyWith(token: string, key: CryptoKey | Uint8Array, alg: string, kid: string): Promise<Uint8Array> {
  try {
    return (await compactVerify(token, key, { algorithms: [alg] })).payload;
  } catch {
    throw new TokenError('signature', `the token's signature does not verify with key "${kid}"`);
  }
}

function parseClaims(payload: Uint8Array): JWTPayload {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new TokenError('malformed', 'the token payload is not JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new TokenError('malformed', 'the token payload is not a JSON object');
  return claims as JWTPayload;
}

function checkType(check: TokenCheck): void {
  const typ = typeof check.header.typ === 'string' ? check.header.typ.toLowerCase().replace(/^application\//, '') : undefined;
  if (typ !== undefined && check.policy.forbiddenTypes.includes(typ))
    throw new TokenError('type', `a token of type "${check.header.typ}" is not accepted here`);
}

export function checkIssuer(check: TokenCheck): void {
  if (check.claims.iss !== check.policy.issuer) {
    throw new TokenError('issuer', `the token's iss ${JSON.stringify(check.claims.iss)} is not the expected issuer "${check.policy.issuer}"`);
  }
}

function checkSubject(check: TokenCheck): void {
  if (typeof check.claims.sub !== 'string' || check.claims.sub === '') throw new TokenError('subject', 'the token has no sub (a non-empty string is required)');
}

function audiencesOf(claims: JWTPayload): string[] {
  const { aud } = claims;
  if (typeof aud === 'string' && aud !== '') return [aud];
  if (Array.isArray(aud) && aud.length > 0 && aud.every((value) => typeof value === 'string')) return aud;
  throw new TokenError('audience', 'the token has no aud (a string or a non-empty array of strings is required)');
}

function checkAudience(check: TokenCheck): void {
  const { audiences, trustedAudiences, allowUntrustedAudiences } = check.policy;
  const aud = audiencesOf(check.claims);
  if (!aud.some((value) => audiences.includes(value))) {
    throw new TokenError('audience', `the token's aud ${JSON.stringify(check.claims.aud)} does not contain ${audiences.map((a) => `"${a}"`).join(' or ')}`);
  }
  const untrusted = aud.filter((value) => !audiences.includes(value) && !trustedAudiences.includes(value));
  if (untrusted.length > 0 && !allowUntrustedAudiences) {
    throw new TokenError(
      'audience',
      `the token is also meant for ${untrusted.map((a) => `"${a}"`).join(', ')}, which ${untrusted.length === 1 ? 'is' : 'are'} not trusted`,
    );
  }
}

function checkAuthorizedParty(check: TokenCheck): void {
  const { azp } = check.claims as { azp?: unknown };
  const several = Array.isArray(check.claims.aud) && check.claims.aud.length > 1;
  if (azp === undefined && !several) return;
  if (typeof azp !== 'string' || !check.policy.audiences.includes(azp)) {
    throw new TokenError(
      'azp',
      azp === undefined
        ? 'the token has several audiences but no azp naming the party it was issued to'
        : `the token's azp ${JSON.stringify(azp)} is not ${check.policy.audiences.map((a) => `"${a}"`).join(' or ')}`,
    );
  }
}

function nowSeconds(check: TokenCheck): number {
  return check.policy.now() / 1000;
}

function numericDate(check: TokenCheck, claim: 'exp' | 'nbf' | 'iat', required: boolean): number | undefined {
  const value = check.claims[claim];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new TokenError('malformed', `the token's ${claim} must be a number of seconds since the epoch`);
  return value;
}

function checkExpiry(check: TokenCheck): void {
  const exp = numericDate(check, 'exp', true)!;
  const late = nowSeconds(check) - exp;
  if (late >= check.policy.clockSkewSeconds) throw new TokenError('expired', `the token expired ${Math.round(late)} s ago (exp ${exp})`);
}

function checkNotBefore(check: TokenCheck): void {
  const nbf = numericDate(check, 'nbf', false);
  if (nbf !== undefined && nbf - nowSeconds(check) > check.policy.clockSkewSeconds) {
    throw new TokenError('not-yet-valid', `the token is not valid before ${nbf}, ${Math.round(nbf - nowSeconds(check))} s from now`);
  }
}

function checkIssuedAt(check: TokenCheck): void {
  const iat = numericDate(check, 'iat', true)!;
  if (iat - nowSeconds(check) > check.policy.clockSkewSeconds) {
    throw new TokenError(
      'issued-in-future',
      `the token was issued ${Math.round(iat - nowSeconds(check))} s in the future (iat ${iat}); the clock skew allowed is ${check.policy.clockSkewSeconds} s`,
    );
  }
}

function checkNonce(check: TokenCheck): void {
  if (check.expectedNonce === undefined) return;
  const { nonce } = check.claims as { nonce?: unknown };
  if (nonce !== check.expectedNonce)
    throw new TokenError('nonce', nonce === undefined ? 'the token has no nonce, but the client sent one' : "the token's nonce is not the one the client sent");
}

/** The checks of an OpenID Connect ID token (OIDC Core §3.1.3.7), in order. */
export const ID_TOKEN_STEPS: readonly TokenStep[] = [
  readHeader,
  checkAlgorithm,
  checkKid,
  verifySignature,
  checkType,
  checkIssuer,
  checkSubject,
  checkAudience,
  checkAuthorizedParty,
  checkExpiry,
  checkNotBefore,
  checkIssuedAt,
  checkNonce,
];

/**
 * The checks of a token a caller presents to a service (a web identity token at an STS, a JWT access token at an
 * API): those of an ID token without the nonce, and a kid is required to pick the key (MinIO requires one).
 */
export const PRESENTED_TOKEN_STEPS: readonly TokenStep[] = ID_TOKEN_STEPS.filter((step) => step !== checkNonce).map((step) =>
  step === checkKid ? requireKid : step,
);

export function replaceStep(steps: readonly TokenStep[], name: string, replacement: TokenStep | undefined): TokenStep[] {
  if (!steps.some((step) => step.name === name)) throw new Error(`no token check named ${name}`);
  return steps.flatMap((step) => (step.name === name ? (replacement ? [replacement] : []) : [step]));
}

/** Used by flawed steps: the SPKI PEM of an RSA/EC public JWK, as bytes. */
export async function publicKeyPem(jwk: JWK): Promise<Uint8Array> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : 'RS256');
  const key = await importJWK({ ...publicJwk, alg }, alg, { extractable: true });
  return new TextEncoder().encode(await exportSPKI(key as CryptoKey));
}
