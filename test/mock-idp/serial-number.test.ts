import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { signCertificate, certificatePem } from '../../mock-idp/tls/local-ca.ts';
import { serialNumber } from '../../mock-idp/tls/serial-number.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A self-signed certificate with this serial number, as OpenSSL (node:crypto) reads it. */
function parsedWithSerial(serial: string): X509Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = serial;
  certificate.validity.notBefore = new Date('2024-01-01T00:00:00Z');
  certificate.validity.notAfter = new Date('2034-01-01T00:00:00Z');
  certificate.setSubject([{ name: 'commonName', value: 'serial test' }]);
  certificate.setIssuer([{ name: 'commonName', value: 'serial test' }]);
  signCertificate(certificate, privateKey);
  return new X509Certificate(certificatePem(certificate));
}

describe('certificate serial numbers', () => {
  it('stay positive and readable whatever bytes they come from, digests that begin with zero bytes included', () => {
    for (const fill of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
      const serial = serialNumber(Buffer.alloc(15, fill));
      expect(serial).toMatch(/^01[0-9a-f]{30}$/);
      expect(parsedWithSerial(serial).serialNumber).toBe(serial.toUpperCase());
    }
  });

  it('take the first 15 bytes of a longer digest, and refuse fewer', () => {
    expect(serialNumber(Buffer.alloc(32, 0xab))).toBe(`01${'ab'.repeat(15)}`);
    expect(() => serialNumber(Buffer.alloc(8))).toThrow('a serial number needs 15 bytes, got 8');
  });

  it('of the old form, 00 before bytes that begin with a zero byte, are what OpenSSL refused', () => {
    expect(() => parsedWithSerial(`00${'00'.repeat(15)}`)).toThrow(/illegal padding/);
  });
});
