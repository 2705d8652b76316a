import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustCa } from '../tls/trust.ts';
import { freePort } from '../../common/free-port.ts';
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { AdminClient } from '../admin/client.ts';
import type { MockIdpConfigInput, TenantInput, UserInput } from '../config/schema.ts';
import { defaultConfig } from '../config/defaults.ts';
import type { FaultRuleInput } from '../faults/schema.ts';
import type { ProfileInput } from '../profiles/options.ts';
import type { JournalEntry, JournalQuery } from '../journal/journal.ts';

/*
 * The mock IdP as a testcontainers module. The container listens on the same port number inside
 * and outside (a fixed mapping, or host networking), because issuers are URLs the IdP must know
 * before it starts: `http://<host>:<port>/<tenant>` is then the same for the test and the IdP.
 */

const CONFIG_PATH = '/app/mockidp.config.json';
/** Where the container keeps its local CA with withTls() (writable by the image's user in any base image). */
const CONTAINER_CA_DIR = '/tmp/mockidp-ca';

export class MockIdpContainer extends GenericContainer {
  #config: MockIdpConfigInput | undefined;
  #adminToken: string | undefined;
  #port: number | undefined;
  #tls: { names: string[] } | undefined;

  constructor(image = 'mockidp:local') {
    super(image);
    this.withStartupTimeout(30_000);
  }

  /** The configuration to serve (same shape as the YAML/JSON file). */
  withConfig(config: MockIdpConfigInput): this {
    this.#config = config;
    return this;
  }

  /** Behave like a real provider in this tenant (docs/profiles/): 'entra' or {name: 'entra', audience: 'common'}. */
  withProfile(profile: ProfileInput, tenant = 'default'): this {
    this.#tenant(tenant).profile = profile;
    return this;
  }

  /** Users of a tenant (added to the configured ones). */
  withUsers(users: Record<string, UserInput>, tenant = 'default'): this {
    const config = this.#tenant(tenant);
    config.users = { ...config.users, ...users };
    return this;
  }

  /** Fault rules active from the start (docs/faults.md). */
  withFaults(rules: FaultRuleInput[], tenant = 'default'): this {
    const config = this.#tenant(tenant);
    config.faults = [...(config.faults ?? []), ...rules];
    return this;
  }

  #tenant(name: string): TenantInput {
    this.#config ??= structuredClone(defaultConfig);
    this.#config.tenants ??= {};
    this.#config.tenants[name] ??= {};
    return this.#config.tenants[name];
  }

  /** Require this bearer token on the admin API (one is generated when the IdP must bind a non-loopback address). */
  withAdminToken(token: string): this {
    this.#adminToken = token;
    return this;
  }

  /**
   * Serve https with a certificate of the local CA the container makes at start (for 127.0.0.1,
   * ::1, localhost, the host and `names`). Once started, its CA is `ca` of the started container,
   * read from the container, and this process trusts it (trustCa), so fetch, the admin client and
   * SDKs in the test accept the IdP; other processes get it from `ca.path` (NODE_EXTRA_CA_CERTS).
   */
  withTls(options: { names?: string[] } = {}): this {
    this.#tls = { names: options.names ?? [] };
    return this;
  }

  /** The port inside and outside the container (default: a free port). */
  withPort(port: number): this {
    this.#port = port;
    return this;
  }

  override async start(): Promise<StartedMockIdpContainer> {
    const port = this.#port ?? (await freePort());
    const hostNetwork = this.networkMode === 'host';
    const host = process.env['TESTCONTAINERS_HOST_OVERRIDE'] ?? '127.0.0.1';
    // Outside host networking the IdP must bind 0.0.0.0, which it refuses without an admin token.
    const adminToken = this.#adminToken ?? (hostNetwork ? undefined : randomBytes(18).toString('base64url'));
    const scheme = this.#tls ? 'https' : 'http';
    this.withEnvironment({
      MOCKIDP_HOST: hostNetwork ? '127.0.0.1' : '0.0.0.0',
      MOCKIDP_PORT: String(port),
      MOCKIDP_BASE_URL: `${scheme}://${host}:${port}`,
      ...(adminToken ? { MOCKIDP_ADMIN_TOKEN: adminToken } : {}),
      ...(this.#tls ? { MOCKIDP_TLS: 'true', MOCKIDP_CA_DIR: CONTAINER_CA_DIR } : {}),
    });
    const tlsNames = this.#tls?.names ?? [];
    if (this.#config || tlsNames.length > 0) {
      const config = this.#config ?? structuredClone(defaultConfig);
      const server = { ...config.server, port, ...(tlsNames.length > 0 ? { tls: { caDir: CONTAINER_CA_DIR, names: tlsNames } } : {}) };
      this.withCopyContentToContainer([{ content: JSON.stringify({ ...config, server }), target: CONFIG_PATH, mode: 0o644 }]);
      this.withEnvironment({ MOCKIDP_CONFIG: CONFIG_PATH });
    }
    // The log line: an https /health probe would have to trust a CA that does not exist before the start.
    if (hostNetwork || this.#tls) this.withWaitStrategy(Wait.forLogMessage(/listening on/));
    if (!hostNetwork) this.withExposedPorts({ container: port, host: port });
    if (!hostNetwork && !this.#tls) this.withWaitStrategy(Wait.forHttp('/health', port));
    const output: string[] = [];
    this.withLogConsumer((stream) => stream.on('data', (chunk: Buffer | string) => output.push(...String(chunk).split('\n').filter(Boolean))));
    try {
      const started = await super.start();
      const url = `${scheme}://${host}:${port}`;
      const ca = this.#tls ? await containerCa(started) : undefined;
      if (ca) trustCa(ca.pem);
      const listing = (await (await fetch(`${url}/`)).json()) as { tenants: Array<{ name: string; issuer: string }> };
      return new StartedMockIdpContainer(started, url, adminToken, Object.fromEntries(listing.tenants.map((tenant) => [tenant.name, tenant.issuer])), ca);
    } catch (error) {
      const tail = output.slice(-15).join('\n  ');
      throw new Error(
        `the mock IdP container (${this.imageName.string}) did not start: ${(error as Error).message}${tail ? `\nlast log lines:\n  ${tail}` : ''}`,
        { cause: error },
      );
    }
  }
}

/** The container's CA (withTls): read from the container, also written to a file on this machine. */
async function containerCa(started: StartedTestContainer): Promise<{ pem: string; path: string; bundlePath: string }> {
  // The image has node, not necessarily cat.
  const read = (file: string) => started.exec(['node', '-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]);
  const [certificate, bundle] = await Promise.all([read(`${CONTAINER_CA_DIR}/ca.pem`), read(`${CONTAINER_CA_DIR}/bundle.pem`)]);
  if (certificate.exitCode !== 0 || bundle.exitCode !== 0)
    throw new Error(`cannot read the CA from the container (${CONTAINER_CA_DIR}): ${certificate.stderr || bundle.stderr}`);
  new X509Certificate(certificate.stdout);
  const dir = await mkdtemp(join(tmpdir(), 'mockidp-container-ca-'));
  const path = join(dir, 'ca.pem');
  const bundlePath = join(dir, 'bundle.pem');
  await Promise.all([writeFile(path, certificate.stdout), writeFile(bundlePath, bundle.stdout)]);
  return { pem: certificate.stdout, path, bundlePath };
}

export class StartedMockIdpContainer extends AbstractStartedContainer {
  readonly url: string;
  readonly admin: AdminClient;
  /**
   * With withTls(): the container's CA certificate (PEM), copied to a file of this machine (`path`;
   * `bundlePath`: the public roots plus it, for SSL_CERT_FILE / REQUESTS_CA_BUNDLE). Undefined over http.
   */
  readonly ca: { pem: string; path: string; bundlePath: string } | undefined;
  readonly #issuers: Record<string, string>;

  constructor(
    started: StartedTestContainer,
    url: string,
    adminToken: string | undefined,
    issuers: Record<string, string> = {},
    ca?: { pem: string; path: string; bundlePath: string },
  ) {
    super(started);
    this.url = url;
    this.admin = new AdminClient(url, { token: adminToken });
    this.#issuers = issuers;
    this.ca = ca;
  }

  /** A tenant's issuer (a provider profile may give it another path than /<tenant>). */
  issuer(tenant = 'default'): string {
    return this.#issuers[tenant] ?? `${this.url}/${tenant}`;
  }

  journal(query: JournalQuery = {}): Promise<JournalEntry[]> {
    return this.admin.journal(query);
  }
}
