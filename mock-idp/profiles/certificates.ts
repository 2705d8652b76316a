import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import type { JWK } from 'jose';
import type Forge from 'node-forge';
import { serialNumber } from '../tls/serial-number.ts';

/*
 * Self-signed X.509 certificates for signing keys, as Entra, AD FS, Keycloak and Auth0 publish
 * them in their JWKS (x5c, x5t, x5t#S256). node:crypto reads certificates but cannot make them, so
 * node-forge builds one and node:crypto signs it. The certificate is a pure function of the key and the subject
 * (serial number from the modulus, fixed validity; RSA PKCS#1 v1.5 signatures are deterministic),
 * so a restarted IdP that keeps its keys publishes the same thumbprints.
 */

export interface KeyCertificate {
  /** Base64 (not base64url) DER: the JWKS x5c entry. */
  x5c: string;
  /** base64url SHA-1 thumbprint of the DER certificate. */
  x5t: string;
  /** base64url SHA-256 thumbprint of the DER certificate. */
  x5tS256: string;
}

const NOT_BEFORE = new Date('2024-01-01T00:00:00Z');
const NOT_AFTER = new Date('2034-01-01T00:00:00Z');
const CACHE_LIMIT = 512;
const cache = new Map<string, KeyCertificate>();
// node-forge (about 40 modules) loads only when a profile first publishes a certificate.
const loadForge = (): typeof Forge => createRequire(import.meta.url)('node-forge') as typeof Forge;

/** The certificate of an RSA private JWK, with subject CN=`commonName`; undefined for other key types. */
export function certificateFor(privateJwk: JWK, commonName: string): KeyCertificate | undefined {
  if (privateJwk.kty !== 'RSA' || typeof privateJwk.n !== 'string' || typeof privateJwk.d !== 'string') return undefined;
  const cacheKey = `${commonName}\n${privateJwk.n}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  const forge = loadForge();
  const privateKey = createPrivateKey({ key: { ...privateJwk }, format: 'jwk' });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = serialNumber(createHash('sha256').update(privateJwk.n).digest());
  certificate.validity.notBefore = NOT_BEFORE;
  certificate.validity.notAfter = NOT_AFTER;
  const name = [{ name: 'commonName', value: commonName }];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true },
  ]);
  // What forge's certificate.sign() does, with node:crypto's signature instead of forge's JavaScript RSA (tens of
  // milliseconds per certificate): the same deterministic PKCS#1 v1.5 signature over the same TBSCertificate.
  certificate.signatureOid = forge.pki.oids['sha256WithRSAEncryption']!;
  certificate.siginfo.algorithmOid = certificate.signatureOid;
  certificate.tbsCertificate = (forge.pki as typeof forge.pki & { getTBSCertificate(of: Forge.pki.Certificate): Forge.asn1.Asn1 }).getTBSCertificate(
    certificate,
  );
  const tbs = Buffer.from(forge.asn1.toDer(certificate.tbsCertificate).getBytes(), 'binary');
  certificate.signature = sign('sha256', tbs, privateKey).toString('binary');

  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
  const made: KeyCertificate = {
    x5c: der.toString('base64'),
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, made);
  return made;
}
