import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { ScenarioContext } from '../runner/context.ts';

/*
 * A client's DPoP keys (RFC 9449), one per name within a scenario, and the proofs it makes with
 * them: signed by jose with the public key in the header, for one method and URL, bound to an
 * access token (ath) and to a server nonce when there is one.
 */

interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const KEYS = '$dpopKeys';

async function keyOf(ctx: ScenarioContext, name: string): Promise<DpopKey> {
  if (!(ctx.vars[KEYS] instanceof Map)) ctx.vars[KEYS] = new Map<string, Promise<DpopKey>>();
  const keys = ctx.vars[KEYS] as Map<string, Promise<DpopKey>>;
  let key = keys.get(name);
  if (!key) {
    key = generateKeyPair('ES256').then(async ({ privateKey, publicKey }) => ({ privateKey, publicJwk: await exportJWK(publicKey) }));
    keys.set(name, key);
  }
  return key;
}

export interface ProofRequest {
  method: string;
  url: string;
  accessToken?: string | undefined;
  nonce?: string | undefined;
}

/** A fresh proof made with the scenario's key of that name. */
export async function dpopProof(ctx: ScenarioContext, keyName: string, request: ProofRequest): Promise<string> {
  const key = await keyOf(ctx, keyName);
  const url = new URL(request.url);
  url.search = '';
  url.hash = '';
  const claims: Record<string, string> = { htm: request.method, htu: url.href, jti: randomUUID() };
  if (request.accessToken) claims['ath'] = createHash('sha256').update(request.accessToken).digest('base64url');
  if (request.nonce) claims['nonce'] = request.nonce;
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk }).setIssuedAt().sign(key.privateKey);
}
