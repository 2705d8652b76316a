import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';
import { serialNumber } from './serial-number.ts';
import { certificatePem, privateKeyFile, signCertificate, type LocalCa } from './local-ca.ts';
import { LOOPBACK_NAMES } from './names.ts';

/*
 * The IdP's https certificate, issued by the local CA for the loopback names and any configured
 * ones. Its key is kept beside the CA's (made once); the certificate is issued again at each start,
 * so a new name needs no manual step.
 */

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
  names: string[];
}

const DAY_MS = 86_400_000;

export async function issueServerCertificate(ca: LocalCa, extraNames: readonly string[]): Promise<ServerCertificate> {
  const names = [...new Set([...LOOPBACK_NAMES, ...extraNames])];
  const key: KeyObject = await privateKeyFile(join(ca.dir, 'server-key.pem'));
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = serialNumber(randomBytes(15));
  // A day of slack before now: clients whose clock is a little behind still accept it.
  certificate.validity.notBefore = new Date(Date.now() - DAY_MS);
  certificate.validity.notAfter = new Date(Date.now() + 365 * DAY_MS);
  certificate.setSubject([{ name: 'commonName', value: names.find((name) => !isIP(name)) ?? 'localhost' }]);
  certificate.setIssuer(ca.cert.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signCertificate(certificate, ca.key);
  return { certPem: certificatePem(certificate), keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(), names };
}
