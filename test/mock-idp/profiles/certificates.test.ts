import { createPrivateKey, generateKeyPairSync, type JsonWebKey, X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { certificateFor } from '../../../mock-idp/profiles/certificates.ts';

const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JWK;

describe('the certificate a profile publishes for an RSA signing key', () => {
  it('is self-signed by that key for the subject given, and valid from 2024 to 2034', () => {
    const certificate = new X509Certificate(Buffer.from(certificateFor(jwk, 'accounts.accesscontrol.windows.net')!.x5c, 'base64'));
    expect(certificate.subject).toBe('CN=accounts.accesscontrol.windows.net');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.publicKey.export({ format: 'jwk' })).toEqual({ kty: 'RSA', n: jwk.n, e: jwk.e });
    expect([certificate.validFromDate.toISOString(), certificate.validToDate.toISOString()]).toEqual(['2024-01-01T00:00:00.000Z', '2034-01-01T00:00:00.000Z']);
  });

  it("is byte for byte the certificate node-forge's own signing makes, so thumbprints stay what earlier versions published", () => {
    const ours = certificateFor(jwk, 'stable-subject')!;
    const forgeKey = forge.pki.privateKeyFromPem(
      createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' })
        .export({ type: 'pkcs1', format: 'pem' })
        .toString(),
    );
    const parsed = forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(ours.x5c, 'base64').toString('binary')));
    parsed.sign(forgeKey, forge.md.sha256.create());
    expect(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(parsed)).getBytes(), 'binary').toString('base64')).toBe(ours.x5c);
  });

  it('is made only for RSA keys', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
    expect(certificateFor(ec, 'subject')).toBeUndefined();
  });
});
