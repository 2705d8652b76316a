import { X509Certificate } from 'node:crypto';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';

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
  const current = getCACertificates('default');
  if (current.some((certificate) => certificate.trim() === normalized)) return;
  setDefaultCACertificates([...current, normalized]);
}
