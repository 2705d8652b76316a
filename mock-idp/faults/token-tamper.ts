import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, UnsecuredJWT, type JWK, type JWTPayload } from 'jose';
import type { KeySet, SigningKey } from '../keys/key-set.ts';
import type { SigningAlg } from '../config/schema.ts';
import type { TokenAction } from './schema.ts';
import { MockIdpError } from '../errors.ts';

/*
 * A JWT the IdP issued, rebuilt with one or more defects and signed again with jose: with the
 * tenant's key (claims wrong, header changed), or deliberately not (alg none, a flipped signature
 * byte, HS256 keyed with the RSA public key, a key the JWKS does not publish, a published kid on
 * another key, a kid nobody published). Never a hand-built signature.
 */

export interface TamperContext {
  issuer: string;
  keys: KeySet;
  nowSeconds: number;
}

class TamperError extends MockIdpError {
  override readonly name: string = 'TamperError';
}

const random = (bytes = 16) => randomBytes(bytes).toString('base64url');

const WRONG: Record<string, (claims: JWTPayload, issuer: string) => unknown> = {
  iss: (_claims, issuer) => `${issuer.replace(/\/$/, '')}-other`,
  aud: () => 'another-client',
  azp: () => 'another-client',
  sub: (claims) => `${String(claims.sub ?? 'someone')}-other`,
  nonce: () => random(),
  at_hash: () => random(16),
  c_hash: () => random(16),
  sid: () => random(),
  jti: () => random(),
};

export function isJwt(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value);
}

function applyClaims(payload: JWTPayload, action: TokenAction, context: TamperContext): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...payload };
  for (const name of action.wrong ?? []) claims[name] = WRONG[name]!(payload, context.issuer);
  for (const [name, value] of Object.entries(action.claims ?? {})) {
    if (value === null) delete claims[name];
    else claims[name] = value;
  }
  for (const name of action.remove ?? []) delete claims[name];
  const now = context.nowSeconds;
  if (action.expiresIn !== undefined) claims['exp'] = now + action.expiresIn;
  if (action.issuedIn !== undefined) claims['iat'] = now + action.issuedIn;
  if (action.notBeforeIn !== undefined) claims['nbf'] = now + action.notBeforeIn;
  if (action.groupsOverage) {
    delete claims['groups'];
    claims['_claim_names'] = { groups: 'src1' };
    claims['_claim_sources'] = {
      src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${encodeURIComponent(String(claims['oid'] ?? claims['sub'] ?? 'me'))}/getMemberObjects` },
    };
  }
  return claims;
}

/** Header changes; null removes a field, and the text "${kid}" stands for the token's kid (Entra v1's x5t). */
function applyHeader(header: Record<string, unknown>, changes: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = { ...header };
  for (const [name, value] of Object.entries(changes ?? {})) {
    if (value === null) delete out[name];
    else out[name] = value === '${kid}' ? header['kid'] : value;
  }
  return out;
}

/** Pads the claims with a filler so that the signed token is at least `bytes` long. */
function pad(claims: Record<string, unknown>, currentLength: number, bytes: number): void {
  const missing = bytes - currentLength;
  if (missing > 0) claims['filler'] = 'x'.repeat(Math.ceil((missing * 3) / 4) + 16);
}

async function signWith(claims: Record<string, unknown>, header: Record<string, unknown>, privateJwk: JWK, alg: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ ...header, alg } as { alg: string }).sign(await importJWK(privateJwk, alg));
}

function keyFor(keys: KeySet, kid: unknown, alg: unknown): SigningKey {
  const key =
    keys.keys.find((candidate) => candidate.kid === kid) ?? keys.active(alg as SigningAlg) ?? keys.keys.find((candidate) => candidate.status === 'active');
  if (!key) throw new TamperError('the tenant has no signing key to re-sign the token with');
  return key;
}

const foreignKeys = new Map<string, Promise<JWK>>();

/**
 * A key of alg that no tenant holds (forged signatures). Made once per process and algorithm: an RSA key
 * costs a hundred milliseconds of CPU and more, and a key no tenant publishes stays unknown to every verifier.
 */
function foreignKey(alg: string): Promise<JWK> {
  let key = foreignKeys.get(alg);
  if (!key) {
    key = generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) }).then(({ privateKey }) => exportJWK(privateKey));
    key.catch(() => foreignKeys.delete(alg));
    foreignKeys.set(alg, key);
  }
  return key;
}

async function build(claims: Record<string, unknown>, header: Record<string, unknown>, action: TokenAction, context: TamperContext): Promise<string> {
  const original = keyFor(context.keys, header['kid'], header['alg']);
  switch (action.sign) {
    case 'none':
      return new UnsecuredJWT(claims).encode();
    case 'hs256-public-key': {
      const rsa =
        context.keys.keys.find((key) => key.publicJwk.kty === 'RSA' && key.status === 'active') ?? context.keys.keys.find((key) => key.publicJwk.kty === 'RSA');
      if (!rsa) throw new TamperError('hs256-public-key needs an RSA key in the tenant (keys: [{alg: RS256}])');
      // The PEM as JOSE libraries export it (no trailing newline): the bytes a confused verifier uses as the HMAC secret.
      const pem = await exportSPKI((await importJWK({ ...rsa.publicJwk, alg: rsa.alg }, rsa.alg, { extractable: true })) as CryptoKey);
      return new SignJWT(claims).setProtectedHeader({ ...header, alg: 'HS256', kid: rsa.kid } as { alg: string }).sign(new TextEncoder().encode(pem));
    }
    case 'unpublished-key':
      return signWith(claims, { ...header, kid: `unpublished-${random(6)}` }, await foreignKey(original.alg), original.alg);
    case 'reused-kid':
      return signWith(claims, { ...header, kid: original.kid }, await foreignKey(original.alg), original.alg);
    case 'unknown-kid':
      return signWith(claims, { ...header, kid: `unknown-${random(6)}` }, original.privateJwk, original.alg);
    case 'other-published-alg': {
      const other =
        context.keys.keys.find((key) => key.status === 'active' && key.alg !== original.alg && (key.alg === 'RS256' || key.alg === 'ES256')) ??
        context.keys.keys.find((key) => key.status === 'active' && key.alg !== original.alg);
      if (!other)
        throw new TamperError(`other-published-alg needs a published key of another algorithm than ${original.alg} (keys: [{alg: RS256}, {alg: ES256}])`);
      return signWith(claims, { ...header, kid: other.kid }, other.privateJwk, other.alg);
    }
    case 'bad-signature': {
      const token = await signWith(claims, header, original.privateJwk, original.alg);
      const [head, body, signature] = token.split('.') as [string, string, string];
      const bytes = Buffer.from(signature, 'base64url');
      bytes[0] = bytes[0]! ^ 0xff;
      return `${head}.${body}.${bytes.toString('base64url')}`;
    }
    default:
      return signWith(claims, header, original.privateJwk, original.alg);
  }
}

/** The token rebuilt with the action's defects. */
export async function tamperToken(token: string, action: TokenAction, context: TamperContext): Promise<string> {
  const payload = decodeJwt(token);
  const header = applyHeader(decodeProtectedHeader(token) as Record<string, unknown>, action.header);
  const claims = applyClaims(payload, action, context);
  if (action.oversize !== undefined) {
    const draft = await build(claims, header, action, context);
    pad(claims, draft.length, action.oversize);
  }
  return build(claims, header, action, context);
}
