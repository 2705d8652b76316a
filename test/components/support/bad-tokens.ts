import { SignJWT, UnsecuredJWT, decodeJwt, exportSPKI, generateKeyPair, importJWK, type JWK, type JWTPayload } from 'jose';
import type { MockIdp } from '../../../mock-idp/index.ts';

/*
 * Deliberately bad tokens, built with jose (never by hand): re-minted by the IdP with changed
 * claims (so they carry a valid IdP signature), unsigned, HMAC-signed with the IdP's public key,
 * or signed with a key the IdP never published.
 */

/** The same claims, changed, signed again by the IdP with its own keys (admin mint API). */
export async function remint(
  idp: MockIdp,
  token: string,
  changes: JWTPayload & Record<string, unknown>,
  options: { tenant?: string; alg?: 'RS256' | 'ES256'; type?: 'id_token' | 'access_token' } = {},
): Promise<string> {
  const claims = { ...decodeJwt(token), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete (claims as Record<string, unknown>)[key];
  const { token: minted } = await idp.admin.mint(options.tenant ?? 'default', {
    type: options.type ?? 'id_token',
    claims,
    ...(options.alg ? { alg: options.alg } : {}),
  });
  return minted;
}

/** A token with alg "none": the same claims, no signature. */
export function unsigned(token: string): string {
  return new UnsecuredJWT(decodeJwt(token)).encode();
}

export async function idpJwks(idp: MockIdp, tenant = 'default'): Promise<JWK[]> {
  const body = (await (await fetch(`${idp.issuer(tenant)}/jwks`)).json()) as { keys: JWK[] };
  return body.keys;
}

/** Algorithm confusion: HS256 whose secret is the SPKI PEM of the IdP's RSA public key, with that key's kid. */
export async function hmacWithPublicKey(idp: MockIdp, token: string): Promise<string> {
  const rsa = (await idpJwks(idp)).find((key) => key.kty === 'RSA')!;
  const pem = await exportSPKI((await importJWK(rsa, 'RS256', { extractable: true })) as CryptoKey);
  return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'HS256', kid: rsa.kid! }).sign(new TextEncoder().encode(pem));
}

/** Signed with a fresh key the IdP never published; header kid as given (omit for no kid). */
export async function signedWithForeignKey(claims: JWTPayload, kid?: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...(kid === undefined ? {} : { kid }) }).sign(privateKey);
}
