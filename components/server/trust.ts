import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { OptionsError } from '../errors.ts';

/*
 * The components' `caFile` option: an IdP served over https by a private CA (mockidp's local CA,
 * a company CA) is trusted by adding that CA to the process's trusted certificates, as
 * NODE_EXTRA_CA_CERTS does at start. A component is a process of its own (or the harness's guest,
 * which trusts the same IdP), so the process is the right scope; fetch has no per-request CA.
 */
export function trustCaFile(path: string, field = 'caFile'): void {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OptionsError(`${field}: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  try {
    if (blocks.length === 0) throw new Error('no "BEGIN CERTIFICATE" block');
    for (const block of blocks) new X509Certificate(block);
  } catch (error) {
    throw new OptionsError(`${field}: ${path} is not a PEM certificate file (${(error as Error).message})`);
  }
  // tls.setDefaultCACertificates came with Node 22.19 and 24.5.
  if (typeof tls.setDefaultCACertificates !== 'function') {
    throw new OptionsError(
      `${field}: needs Node 22.19 or 24.5 and later (this is ${process.version}); start the component with NODE_EXTRA_CA_CERTS=${path} instead`,
    );
  }
  const current = tls.getCACertificates('default');
  const added = blocks.filter((block) => !current.some((known) => known.trim() === block.trim()));
  if (added.length > 0) tls.setDefaultCACertificates([...current, ...added]);
}
