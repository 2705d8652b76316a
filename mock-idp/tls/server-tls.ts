import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TlsConfig } from '../config/schema.ts';
import { ConfigError } from '../config/errors.ts';
import { localCa } from './local-ca.ts';
import { defaultCaDir, invalidCertificateName } from './names.ts';
import { issueServerCertificate } from './server-certificate.ts';

/*
 * What the https server needs from `server.tls`: a key and certificate, either the user's own
 * files or issued by the local CA for the loopback names, the bound host, the base URL's host and
 * the configured names.
 */

export interface CaFiles {
  /** PEM of the CA certificate. */
  pem: string;
  /** Its file: what NODE_EXTRA_CA_CERTS, keytool or curl --cacert are given. */
  path: string;
  /** The public roots Node.js ships plus this CA: for SSL_CERT_FILE and REQUESTS_CA_BUNDLE, which replace the default bundle. */
  bundlePath: string;
}

export interface ServerTls {
  key: string;
  cert: string;
  /** The local CA; undefined with a certificate of the user's own. */
  ca: CaFiles | undefined;
  /** Names the certificate was issued for (local CA only). */
  names: string[];
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

async function readPem(path: string, field: string): Promise<string> {
  try {
    return await readFile(resolve(path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([{ path: field, message: `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}` }]);
  }
}

async function ownCertificate(tls: TlsConfig & { cert: string; key: string }): Promise<ServerTls> {
  const [cert, key] = await Promise.all([readPem(tls.cert, 'server.tls.cert'), readPem(tls.key, 'server.tls.key')]);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw new ConfigError([{ path: 'server.tls.cert', message: `${tls.cert} is not a PEM certificate (${(error as Error).message})` }]);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new ConfigError([{ path: 'server.tls.key', message: `${tls.key} is not an unencrypted PEM private key (${(error as Error).message})` }]);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError([{ path: 'server.tls.key', message: `${tls.key} is not the private key of the certificate in ${tls.cert}` }]);
  }
  return { key, cert, ca: undefined, names: [] };
}

/** The certificate and key to serve with, and the CA clients must trust. */
export async function serverTls(tls: TlsConfig, where: { host: string; baseUrl: string | undefined }): Promise<ServerTls> {
  if (tls.cert !== undefined && tls.key !== undefined) return ownCertificate({ ...tls, cert: tls.cert, key: tls.key });
  const ca = await localCa(resolve(tls.caDir ?? defaultCaDir()));
  const reachedAs = [where.host, ...(where.baseUrl ? [new URL(where.baseUrl).hostname.replace(/^\[(.*)\]$/, '$1')] : [])];
  const names = [...tls.names, ...reachedAs.filter((name) => !WILDCARD_HOSTS.has(name) && invalidCertificateName(name) === undefined)];
  const issued = await issueServerCertificate(ca, names);
  return { key: issued.keyPem, cert: issued.certPem, ca: { pem: ca.certPem, path: ca.certFile, bundlePath: ca.bundleFile }, names: issued.names };
}
