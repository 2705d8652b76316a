import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import * as oidc from 'openid-client';
import { ConfigError, resolveConfig, startMockIdp, type MockIdp, type MockIdpConfigInput } from '../../mock-idp/index.ts';

const run = promisify(execFile);
const folders: string[] = [];
const idps: MockIdp[] = [];

async function freshFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mockidp-tls-'));
  folders.push(dir);
  return dir;
}

async function start(server: MockIdpConfigInput['server']): Promise<MockIdp> {
  const idp = await startMockIdp({
    server: { logLevel: 'silent', ...server },
    tenants: { default: { clients: { svc: { secret: 'svc-secret', grants: ['client_credentials'] } } } },
  });
  idps.push(idp);
  return idp;
}

afterAll(async () => {
  await Promise.all(idps.map((idp) => idp.close()));
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The certificate the server presents, and whether it verified against `ca`. */
async function peerCertificate(
  url: string,
  ca?: string,
  servername?: string,
): Promise<{ certificate: X509Certificate; authorized: boolean; error: string | undefined }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: hostname.replace(/^\[(.*)\]$/, '$1'),
        port: Number(port),
        ...(ca ? { ca } : {}),
        servername: servername ?? 'localhost',
        rejectUnauthorized: false,
      },
      () => {
        const certificate = socket.getPeerX509Certificate()!;
        resolve({ certificate, authorized: socket.authorized, error: socket.authorizationError?.toString() });
        socket.end();
      },
    );
    socket.once('error', reject);
  });
}

describe('https from the local CA', () => {
  it('serves https, with issuers on https, once server.tls is set', async () => {
    const idp = await start({ tls: { caDir: await freshFolder() } });
    expect(idp.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(idp.issuer('default')).toBe(`${idp.url}/default`);
    const { authorized } = await peerCertificate(idp.url, idp.ca!.pem);
    expect(authorized).toBe(true);
  });

  it('is refused by a client that does not trust the CA', async () => {
    const idp = await start({ tls: { caDir: await freshFolder() } });
    const failure = await fetch(`${idp.url}/health`).then(
      () => undefined,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(failure).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('issues the certificate for 127.0.0.1, ::1, localhost and the configured names', async () => {
    const idp = await start({ tls: { caDir: await freshFolder(), names: ['idp.test', '10.1.2.3'] } });
    const { certificate } = await peerCertificate(idp.url, idp.ca!.pem);
    expect(certificate.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost, DNS:idp.test, IP Address:10.1.2.3');
    expect(certificate.checkHost('idp.test')).toBe('idp.test');
    expect(certificate.checkIP('::1')).toBe('::1');
    expect(idp.certificateNames).toEqual(['127.0.0.1', '::1', 'localhost', 'idp.test', '10.1.2.3']);
  });

  it('adds the host of baseUrl to the certificate', async () => {
    const idp = await start({ tls: { caDir: await freshFolder() }, baseUrl: 'https://idp.example.test:8443' });
    const { port } = idp.server.address() as AddressInfo;
    const { certificate } = await peerCertificate(`https://127.0.0.1:${port}`, idp.ca!.pem);
    expect(certificate.checkHost('idp.example.test')).toBe('idp.example.test');
    expect(idp.issuer('default')).toBe('https://idp.example.test:8443/default');
  });

  it('exposes the CA as PEM and as the file it is kept in, beside a bundle of the public roots plus it', async () => {
    const dir = await freshFolder();
    const idp = await start({ tls: { caDir: dir } });
    expect(idp.ca!.path).toBe(join(dir, 'ca.pem'));
    expect(await readFile(idp.ca!.path, 'utf8')).toBe(idp.ca!.pem);
    const ca = new X509Certificate(idp.ca!.pem);
    expect(ca.ca).toBe(true);
    const bundle = await readFile(idp.ca!.bundlePath, 'utf8');
    expect(bundle.trim().endsWith(idp.ca!.pem.trim())).toBe(true);
    expect(bundle.split('BEGIN CERTIFICATE').length).toBeGreaterThan(100);
  });

  it('keeps the CA: a later start in the same folder is signed by the same CA, whose key only the user can read', async () => {
    const dir = await freshFolder();
    const first = await start({ tls: { caDir: dir } });
    const second = await start({ tls: { caDir: dir } });
    expect(second.ca!.pem).toBe(first.ca!.pem);
    expect((await peerCertificate(second.url, first.ca!.pem)).authorized).toBe(true);
    expect((await stat(join(dir, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
  });

  it('agrees on one CA when several IdPs create it at the same moment', async () => {
    const dir = await freshFolder();
    const started = await Promise.all([1, 2, 3, 4, 5, 6].map(() => start({ tls: { caDir: dir } })));
    expect(new Set(started.map((idp) => idp.ca!.pem)).size).toBe(1);
    for (const idp of started) expect((await peerCertificate(idp.url, started[0]!.ca!.pem)).authorized).toBe(true);
  });

  it('keeps the CA in MOCKIDP_CA_DIR when the configuration names no folder', async () => {
    const dir = await freshFolder();
    const previous = process.env['MOCKIDP_CA_DIR'];
    process.env['MOCKIDP_CA_DIR'] = dir;
    try {
      const idp = await start({ tls: true });
      expect(idp.ca!.path).toBe(join(dir, 'ca.pem'));
    } finally {
      if (previous === undefined) delete process.env['MOCKIDP_CA_DIR'];
      else process.env['MOCKIDP_CA_DIR'] = previous;
    }
  });

  it('serves https again after a restart', async () => {
    const idp = await start({ tls: { caDir: await freshFolder() } });
    await idp.restart();
    expect((await peerCertificate(idp.url, idp.ca!.pem)).authorized).toBe(true);
  });

  it('gives openid-client (no insecure switch) tokens once the process trusts the CA', async () => {
    const { trustCa } = await import('../../mock-idp/index.ts');
    const idp = await start({ tls: { caDir: await freshFolder() } });
    trustCa(idp.ca!.pem);
    const rp = await oidc.discovery(new URL(idp.issuer('default')), 'svc', undefined, oidc.ClientSecretBasic('svc-secret'));
    const tokens = await oidc.clientCredentialsGrant(rp);
    expect(tokens.access_token).toBeTruthy();
  });
});

describe('https with a certificate of your own', () => {
  async function selfSigned(dir: string, name: string): Promise<{ cert: string; key: string }> {
    const cert = join(dir, `${name}.crt`);
    const key = join(dir, `${name}.key`);
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    return { cert, key };
  }

  it('serves the given certificate and key, and has no local CA to expose', async () => {
    const dir = await freshFolder();
    const own = await selfSigned(dir, 'own');
    const idp = await start({ tls: own });
    expect(idp.ca).toBeUndefined();
    const { certificate, authorized } = await peerCertificate(idp.url, await readFile(own.cert, 'utf8'), '127.0.0.1');
    expect(authorized).toBe(true);
    expect(certificate.raw.equals(new X509Certificate(await readFile(own.cert)).raw)).toBe(true);
  });

  it("refuses a key that is not the certificate's, naming server.tls.key", async () => {
    const dir = await freshFolder();
    const one = await selfSigned(dir, 'one');
    const two = await selfSigned(dir, 'two');
    await expect(start({ tls: { cert: one.cert, key: two.key } })).rejects.toThrow(
      /server\.tls\.key: .*two\.key is not the private key of the certificate in .*one\.crt/,
    );
  });

  it('refuses files that do not exist or are not PEM, naming the field', async () => {
    const dir = await freshFolder();
    const one = await selfSigned(dir, 'one');
    await writeFile(join(dir, 'junk.pem'), 'not a certificate');
    await expect(start({ tls: { cert: join(dir, 'missing.crt'), key: one.key } })).rejects.toThrow(
      /server\.tls\.cert: cannot read .*missing\.crt: no such file/,
    );
    await expect(start({ tls: { cert: join(dir, 'junk.pem'), key: one.key } })).rejects.toThrow(/server\.tls\.cert: .*junk\.pem is not a PEM certificate/);
  });
});

describe('server.tls configuration', () => {
  it('names the missing half of a certificate and key pair', async () => {
    const error = await startMockIdp({ server: { tls: { cert: 'a.crt' } }, tenants: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/server\.tls\.key: a certificate of your own needs its private key/);
  });

  it('refuses certificate names that are neither DNS names nor IP addresses', async () => {
    await expect(startMockIdp({ server: { tls: { names: ['bad name!'] } }, tenants: {} })).rejects.toThrow(
      /server\.tls\.names\[0\]: "bad name!" is neither an IP address nor a DNS name/,
    );
  });

  it('is turned on by MOCKIDP_TLS and MOCKIDP_CA_DIR, and off by MOCKIDP_TLS=false', async () => {
    const on = await resolveConfig({ env: { MOCKIDP_TLS: 'true', MOCKIDP_CA_DIR: '/somewhere/ca' } });
    expect(on.server.tls).toEqual({ caDir: '/somewhere/ca', names: [] });
    const off = await resolveConfig({ env: { MOCKIDP_TLS: 'false' }, tls: {} });
    expect(off.server.tls).toBeUndefined();
    await expect(resolveConfig({ env: { MOCKIDP_TLS: 'maybe' } })).rejects.toThrow(/MOCKIDP_TLS: "maybe" is not a boolean/);
  });
});
