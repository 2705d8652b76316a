import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { afterAll } from 'vitest';
import { localCa } from '../../mock-idp/tls/local-ca.ts';
import { issueServerCertificate } from '../../mock-idp/tls/server-certificate.ts';
import { loadConfigFile, startMockIdp, trustCa, type MockIdp, type MockIdpConfig, type MockIdpConfigInput } from '../../mock-idp/index.ts';

/*
 * The providers' own SDKs against the profiles, over https with the SDKs' default security
 * settings: the IdP serves a certificate of a local CA made for this test file, and this process
 * trusts that CA (trustCa, what NODE_EXTRA_CA_CERTS does for a new process). Nothing else is relaxed.
 */

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const caDir = await mkdtemp(join(tmpdir(), 'mockidp-sdk-ca-'));
const started: MockIdp[] = [];
afterAll(async () => {
  await Promise.all(started.map((idp) => idp.close()));
  await rm(caDir, { recursive: true, force: true });
});

/** An https IdP from a fixture in fixtures/profiles/, with `adjust` applied to its configuration; this process trusts its CA. */
export async function fixtureIdp(name: string, adjust: (config: MockIdpConfig) => void = () => undefined): Promise<MockIdp> {
  const config = await loadConfigFile(join(ROOT, 'fixtures', 'profiles', `${name}.yaml`));
  adjust(config);
  return httpsIdp(config);
}

/** A certificate for 127.0.0.1 from the same local CA as the IdPs': for an app served over https beside them. */
export async function siteCertificate(): Promise<{ key: string; cert: string }> {
  const issued = await issueServerCertificate(await localCa(caDir), []);
  return { key: issued.keyPem, cert: issued.certPem };
}

/** An https IdP with this configuration; this process trusts its CA. */
export async function httpsIdp(config: MockIdpConfigInput): Promise<MockIdp> {
  const idp = await startMockIdp({ ...config, server: { ...config.server, port: 0, logLevel: 'silent', tls: { caDir } } });
  started.push(idp);
  trustCa(idp.ca!.pem);
  return idp;
}

/** Verifies a JWT with jose against the tenant's published keys (an independent check of what an SDK accepted). */
export async function verifiedClaims(token: string, jwksUri: string, expected: { issuer?: string; audience?: string } = {}): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(jwksUri)), {
    ...(expected.issuer ? { issuer: expected.issuer } : {}),
    ...(expected.audience ? { audience: expected.audience } : {}),
  });
  return payload;
}

/** The environment of a new process that trusts nothing the test runner trusts, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'NODE_OPTIONS'].includes(name)),
  );
  return { ...env, ...extra };
}

/**
 * Runs a documentation snippet (docs/profiles/snippets/) as its page says: a new process that trusts
 * the IdP's CA through the environment variable serve --tls prints, with MOCKIDP_URL pointing at the IdP.
 */
export async function runSnippet(file: string, idp: MockIdp): Promise<string> {
  const path = join(ROOT, 'docs', 'profiles', 'snippets', file);
  const [command, env] = file.endsWith('.py')
    ? ['/usr/bin/python3', { REQUESTS_CA_BUNDLE: idp.ca!.bundlePath, SSL_CERT_FILE: idp.ca!.bundlePath }]
    : [process.execPath, { NODE_EXTRA_CA_CERTS: idp.ca!.path }];
  try {
    const { stdout } = await run(command, [path], { cwd: ROOT, env: cleanEnv({ ...env, MOCKIDP_URL: idp.url }), timeout: 60_000 });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} failed: ${failed.message}\nstdout: ${failed.stdout ?? ''}\nstderr: ${failed.stderr ?? ''}`);
  }
}

/** Debian's Python packages a test needs (the message says how to get them). */
export async function requirePython(modules: string[], packages: string): Promise<void> {
  await run('/usr/bin/python3', ['-c', `import ${modules.join(', ')}`]).catch(() => {
    throw new Error(`Debian's ${packages} is needed: apt-get install ${packages}`);
  });
}
