import { randomBytes } from 'node:crypto';
import { freePort } from '../server/free-port.ts';
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { AdminClient } from '../admin/client.ts';
import type { MockIdpConfigInput, TenantInput, UserInput } from '../config/schema.ts';
import { defaultConfig } from '../config/defaults.ts';
import type { FaultRuleInput } from '../faults/schema.ts';
import type { ProfileInput } from '../profiles/index.ts';
import type { JournalEntry, JournalQuery } from '../journal/journal.ts';

/*
 * The mock IdP as a testcontainers module. The container listens on the same port number inside
 * and outside (a fixed mapping, or host networking), because issuers are URLs the IdP must know
 * before it starts: `http://<host>:<port>/<tenant>` is then the same for the test and the IdP.
 */

const CONFIG_PATH = '/app/mockidp.config.json';

export class MockIdpContainer extends GenericContainer {
  #config: MockIdpConfigInput | undefined;
  #adminToken: string | undefined;
  #port: number | undefined;

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
    const tenants = (this.#config.tenants ??= {});
    return (tenants[name] ??= {});
  }

  /** Require this bearer token on the admin API (one is generated when the IdP must bind a non-loopback address). */
  withAdminToken(token: string): this {
    this.#adminToken = token;
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
    this.withEnvironment({
      MOCKIDP_HOST: hostNetwork ? '127.0.0.1' : '0.0.0.0',
      MOCKIDP_PORT: String(port),
      MOCKIDP_BASE_URL: `http://${host}:${port}`,
      ...(adminToken ? { MOCKIDP_ADMIN_TOKEN: adminToken } : {}),
    });
    if (this.#config) {
      this.withCopyContentToContainer([{ content: JSON.stringify({ ...this.#config, server: { ...this.#config.server, port } }), target: CONFIG_PATH, mode: 0o644 }]);
      this.withEnvironment({ MOCKIDP_CONFIG: CONFIG_PATH });
    }
    if (hostNetwork) this.withWaitStrategy(Wait.forLogMessage(/listening on/));
    else this.withExposedPorts({ container: port, host: port }).withWaitStrategy(Wait.forHttp('/health', port));
    const output: string[] = [];
    this.withLogConsumer((stream) => stream.on('data', (chunk: Buffer | string) => output.push(...String(chunk).split('\n').filter(Boolean))));
    try {
      const started = await super.start();
      const url = `http://${host}:${port}`;
      const listing = (await (await fetch(`${url}/`)).json()) as { tenants: Array<{ name: string; issuer: string }> };
      return new StartedMockIdpContainer(started, url, adminToken, Object.fromEntries(listing.tenants.map((tenant) => [tenant.name, tenant.issuer])));
    } catch (error) {
      const tail = output.slice(-15).join('\n  ');
      throw new Error(`the mock IdP container (${this.imageName.string}) did not start: ${(error as Error).message}${tail ? `\nlast log lines:\n  ${tail}` : ''}`, { cause: error });
    }
  }
}

export class StartedMockIdpContainer extends AbstractStartedContainer {
  readonly url: string;
  readonly admin: AdminClient;
  readonly #issuers: Record<string, string>;

  constructor(started: StartedTestContainer, url: string, adminToken: string | undefined, issuers: Record<string, string> = {}) {
    super(started);
    this.url = url;
    this.admin = new AdminClient(url, { token: adminToken });
    this.#issuers = issuers;
  }

  /** A tenant's issuer (a provider profile may give it another path than /<tenant>). */
  issuer(tenant = 'default'): string {
    return this.#issuers[tenant] ?? `${this.url}/${tenant}`;
  }

  journal(query: JournalQuery = {}): Promise<JournalEntry[]> {
    return this.admin.journal(query);
  }
}
