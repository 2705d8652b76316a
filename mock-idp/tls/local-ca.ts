import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { serialNumber } from './serial-number.ts';

/*
 * The local certificate authority that signs the IdP's https certificates. It is made once and
 * kept in a stable folder, so that a developer trusts it once (NODE_EXTRA_CA_CERTS, a Java trust
 * store...) and every later `serve --tls` is trusted too.
 *
 * The private key is the only state: it is created atomically (written aside, then hard-linked
 * into place, so two processes starting at once agree on one key), and the CA certificate is a
 * pure function of it (serial number from the key, fixed validity; RSA PKCS#1 v1.5 signatures are
 * deterministic). Any process can therefore write ca.pem again and get the same bytes.
 *
 * node:crypto cannot build certificates, so node-forge builds them; the signature itself is made
 * by node:crypto (forge's JavaScript RSA costs about 20-40 ms per certificate).
 */

export interface LocalCa {
  dir: string;
  /** PEM file of the CA certificate: what clients trust. */
  certFile: string;
  certPem: string;
  /** ca.pem after the public roots Node.js ships (Mozilla's): for SSL_CERT_FILE-style variables that replace the default bundle. */
  bundleFile: string;
  cert: forge.pki.Certificate;
  key: KeyObject;
}

const CA_NOT_BEFORE = new Date('2024-01-01T00:00:00Z');
const CA_NOT_AFTER = new Date('2044-01-01T00:00:00Z');
const generateRsa = promisify(generateKeyPair);

/**
 * Reads a private key PEM file, creating it first (RSA 2048, mode 0600) if it does not exist. Two
 * processes creating it at once end up with the same key: the loser of the link reads the winner's.
 */
export async function privateKeyFile(path: string): Promise<KeyObject> {
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) return createPrivateKey(existing);
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(aside, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  try {
    await link(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
  return createPrivateKey(await readFile(path, 'utf8'));
}

function forgePublicKey(key: KeyObject): forge.pki.rsa.PublicKey {
  return forge.pki.publicKeyFromPem(createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString());
}

/** Signs a forge certificate with a node:crypto key (SHA-256 with RSA). */
export function signCertificate(certificate: forge.pki.Certificate, key: KeyObject): void {
  // forge computes cert.tbsCertificate before it asks the key for a signature; the signature is node's.
  const signer = {
    sign: () => sign('sha256', Buffer.from(forge.asn1.toDer(certificate.tbsCertificate).getBytes(), 'binary'), key).toString('binary'),
  };
  certificate.sign(signer as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
}

export function certificatePem(certificate: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(certificate).replace(/\r\n/g, '\n');
}

function caCertificate(key: KeyObject): forge.pki.Certificate {
  const publicKey = forgePublicKey(key);
  const fingerprint = createHash('sha256')
    .update(key.export({ type: 'pkcs1', format: 'der' }))
    .digest();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  certificate.serialNumber = serialNumber(fingerprint);
  certificate.validity.notBefore = CA_NOT_BEFORE;
  certificate.validity.notAfter = CA_NOT_AFTER;
  const name = [
    { name: 'commonName', value: `mockidp local CA ${fingerprint.toString('hex').slice(0, 8)}` },
    { name: 'organizationName', value: 'mockidp (local development only)' },
  ];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCertificate(certificate, key);
  return certificate;
}

/** Writes a file only when its content differs, atomically (readers never see half a file). */
async function writeIfChanged(path: string, content: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === content) return;
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(aside, content);
  await rename(aside, path);
}

/** The local CA in `dir` (created on first use). */
export async function localCa(dir: string): Promise<LocalCa> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = await privateKeyFile(join(dir, 'ca-key.pem'));
  const cert = caCertificate(key);
  const certPem = certificatePem(cert);
  const certFile = join(dir, 'ca.pem');
  const bundleFile = join(dir, 'bundle.pem');
  await writeIfChanged(certFile, certPem);
  await writeIfChanged(bundleFile, `${[...rootCertificates, certPem.trim()].join('\n')}\n`);
  return { dir, certFile, certPem, bundleFile, cert, key };
}
