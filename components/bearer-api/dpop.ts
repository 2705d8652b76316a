import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { EmbeddedJWK, calculateJwkThumbprint, errors as joseErrors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { DPOP_ALGS, dpopRefusal } from './challenge.ts';

/*
 * Sender-constrained access tokens (RFC 9449 section 7): a token bound to a key (cnf.jkt) is only
 * good with "Authorization: DPoP <token>" and a DPoP proof of that key made for this very request
 * (htm, htu, ath), recent (iat) and never seen before (jti).
 */

/** Remembers proof ids for as long as their iat is acceptable, so a proof works once. */
export class ProofReplayCache {
  readonly #seen = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** True the first time a jti is seen within its window. */
  firstUse(jti: string, windowSeconds: number): boolean {
    const now = this.#now();
    for (const [seen, expiresAt] of this.#seen) if (expiresAt <= now) this.#seen.delete(seen);
    if (this.#seen.has(jti)) return false;
    this.#seen.set(jti, now + windowSeconds * 2000);
    return true;
  }
}

export interface DpopPolicy {
  /** Seconds a proof's iat may be away from now. */
  maxAgeSeconds: number;
  /** The API's own URL as clients see it (htu), when it sits behind a proxy; else the request's. */
  publicUrl: string | undefined;
  now: () => number;
  replay: ProofReplayCache;
}

function requestUrl(ctx: Context, publicUrl: string | undefined): string {
  const base = publicUrl ?? `${ctx.protocol}://${ctx.host}`;
  return new URL(`${base.replace(/\/+$/, '')}${ctx.path}`).href;
}

function withoutQueryAndFragment(value: string): string | undefined {
  const url = URL.parse(value);
  if (!url) return undefined;
  url.search = '';
  url.hash = '';
  return url.href;
}

/** Checks the DPoP proof of a request that presents `token`, and answers the thumbprint of its key. */
export async function verifyDpopProof(ctx: Context, token: string, policy: DpopPolicy): Promise<string> {
  const header = ctx.headers['dpop'];
  if (header === undefined) throw dpopRefusal('invalid_dpop_proof', 'a DPoP-bound token needs a DPoP proof header');
  if (Array.isArray(header) || header.includes(',')) throw dpopRefusal('invalid_dpop_proof', 'send exactly one DPoP proof');
  let payload: JWTPayload;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(header, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGS });
    payload = verified.payload;
    // EmbeddedJWK has verified the proof with this key, so it is there
    jwk = verified.protectedHeader.jwk!;
  } catch (error) {
    const reason = error instanceof joseErrors.JOSEError ? error.message : 'not a JWT';
    throw dpopRefusal('invalid_dpop_proof', `the DPoP proof does not verify with its own key (${reason})`);
  }
  if ('d' in jwk) throw dpopRefusal('invalid_dpop_proof', 'the DPoP proof carries a private key');
  if (payload['htm'] !== ctx.method)
    throw dpopRefusal('invalid_dpop_proof', `the DPoP proof is for ${String(payload['htm'])}, this request is ${ctx.method} (htm)`);
  const expected = requestUrl(ctx, policy.publicUrl);
  if (typeof payload['htu'] !== 'string' || withoutQueryAndFragment(payload['htu']) !== expected) {
    throw dpopRefusal('invalid_dpop_proof', `the DPoP proof is for ${String(payload['htu'])}, not ${expected} (htu)`);
  }
  const nowSeconds = policy.now() / 1000;
  if (typeof payload.iat !== 'number' || Math.abs(nowSeconds - payload.iat) > policy.maxAgeSeconds) {
    throw dpopRefusal('invalid_dpop_proof', `the DPoP proof's iat is missing or more than ${policy.maxAgeSeconds} s away from now`);
  }
  if (payload['ath'] !== createHash('sha256').update(token).digest('base64url'))
    throw dpopRefusal('invalid_dpop_proof', 'the DPoP proof is not for this access token (ath)');
  if (typeof payload.jti !== 'string' || payload.jti === '') throw dpopRefusal('invalid_dpop_proof', 'the DPoP proof has no jti');
  if (!policy.replay.firstUse(payload.jti, policy.maxAgeSeconds)) throw dpopRefusal('invalid_dpop_proof', 'the DPoP proof was used before (jti replay)');
  return calculateJwkThumbprint(jwk);
}

/** The key a token is bound to (RFC 9449 section 6.1), if any. */
export function boundKey(claims: JWTPayload): string | undefined {
  const cnf = claims['cnf'];
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as Record<string, unknown>)['jkt'];
  return typeof jkt === 'string' ? jkt : undefined;
}
