import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';

/**
 * Makes this process trust a CA certificate (PEM) from now on: fetch, node:https and the SDKs
 * built on them accept the certificates it signs. NODE_EXTRA_CA_CERTS does the same, but Node reads
 * it only when the process starts; this is for a process that is already running, such as a test
 * that starts the IdP with `server.tls` in-process. The CAs trusted before stay trusted.
 */
export function trustCa(pem: string): void {
  const normalized = pem.trim();
  try {
    new X509Certificate(normalized);
  } catch (error) {
    throw new Error(`trustCa: not a PEM certificate (${(error as Error).message})`);
  }
  // tls.setDefaultCACertificates came with Node 22.19 and 24.5.
  if (typeof tls.setDefaultCACertificates !== 'function') {
    throw new Error(
      `trustCa needs Node 22.19 or 24.5 and later (this is ${process.version}): start the process with NODE_EXTRA_CA_CERTS=<the CA file> instead`,
    );
  }
  const current = tls.getCACertificates('default');
  if (current.some((certificate) => certificate.trim() === normalized)) return;
  tls.setDefaultCACertificates([...current, normalized]);
}
