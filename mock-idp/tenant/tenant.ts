import type { CookieKeys } from '../server/cookie-keys.ts';
import { randomBytes } from 'node:crypto';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { Clock } from '../clock/clock.ts';
import { type ClientConfig, corsOriginsOf, type Limits, type TenantConfig, type UserConfig } from '../config/schema.ts';
import { FaultRules, parseFaultRule } from '../faults/rules.ts';
import type { TrustedIssuers } from '../grants/trusted-issuers.ts';
import type { EntryBuilder, EntryHead } from '../journal/journal.ts';
import { KeySet, type SigningKey } from '../keys/key-set.ts';
import { type AppliedProfile, applyProfile } from '../profiles/index.ts';
import { claimsOf } from '../provider/claims.ts';
import type { ProviderTenant } from '../provider/configuration.ts';
import { originAllowed } from '../provider/cors.ts';
import { LoginClaims } from '../provider/login-claims.ts';
import { TtlStore } from '../provider/store.ts';
import type { Logger } from '../server/logger.ts';
import { fetchOutgoing } from './outgoing.ts';
import { endMatching, revokeGrant } from './revocation.ts';

/**
 * One issuer's state: its users, clients, keys, clock, fault rules and storage, and the oidc-provider made
 * from them. Changing clients, keys or the claim names rebuilds the provider; storage and cookie keys
 * survive, so sessions, grants and tokens live on. create.ts makes tenants, pipeline.ts is what their
 * requests go through, operations.ts is what the admin API changes.
 */
/** What provider-builder.ts makes of a tenant. */
export interface BuiltProvider {
  provider: Provider;
  /** The provider's own middleware, to run inside the tenant's pipeline. */
  middleware: Middleware;
  /** The custom claim names this provider releases (a user bringing a new one needs a new provider). */
  claimNames: Set<string>;
  /** Issuers whose JWTs token exchange and JWT bearer accept (a tenant named there may have come or gone). */
  trustedIssuers: TrustedIssuers;
}

export interface TenantParts {
  name: string;
  mount: string;
  config: TenantConfig;
  keys: KeySet;
  cookieKeys: CookieKeys;
  logger: Logger;
  limits: Limits;
  build: (tenant: Tenant) => BuiltProvider;
}

export class Tenant implements ProviderTenant {
  readonly name: string;
  readonly issuer: string;
  readonly store = new TtlStore();
  readonly dpopNonceSecret = randomBytes(32);
  readonly loginClaims = new LoginClaims(this.store, () => this.config.ttl.grant);
  readonly cookieKeys: CookieKeys;
  readonly clock: Clock;
  readonly users = new Map<string, UserConfig>();
  readonly clients = new Map<string, ClientConfig>();
  readonly faults = new FaultRules();
  /** Rewrites of the provider profile (run with the fault engine, never listed as faults). */
  readonly profileRules = new FaultRules();
  readonly profile: AppliedProfile | undefined;
  /** `${baseUrl}/${name}`: where the tenant is mounted (its issuer unless a profile says otherwise). */
  readonly mount: string;
  readonly logger: Logger;
  readonly limits: Limits;
  config: TenantConfig;
  keys: KeySet;
  /** What requests to the tenant go through (set by create.ts once the tenant exists). */
  middleware!: Middleware;
  /** Where the tenant's outgoing requests are journalled (set by the server that mounts it). */
  journalOutgoing: ((head: EntryHead, build: EntryBuilder, bytes: number) => void) | undefined;

  readonly #initialConfig: TenantConfig;
  readonly #initialKeys: SigningKey[];
  readonly #build: (tenant: Tenant) => BuiltProvider;
  #built!: BuiltProvider;
  #subIndex = new Map<string, string>();

  constructor(parts: TenantParts) {
    const { name, mount, config, keys } = parts;
    this.name = name;
    this.mount = mount;
    this.cookieKeys = parts.cookieKeys;
    this.logger = parts.logger;
    this.limits = parts.limits;
    this.#build = parts.build;
    this.profile = config.profile ? applyProfile(config.profile, { tenant: name, mount }) : undefined;
    this.issuer = this.profile?.issuer ?? mount;
    for (const [index, rule] of (this.profile?.rules ?? []).entries()) this.profileRules.add(parseFaultRule({ id: `profile-${index + 1}`, ...rule }));
    this.config = config;
    this.#initialConfig = config;
    this.keys = keys;
    this.#initialKeys = keys.keys.map((key) => ({ ...key }));
    this.clock = new Clock(config.clock.offsetSeconds, config.clock.frozenAt);
    this.#load(config);
    this.rebuild();
  }

  #load(config: TenantConfig): void {
    this.users.clear();
    this.clients.clear();
    for (const [username, user] of Object.entries(config.users)) this.users.set(username, user);
    for (const [clientId, client] of Object.entries(config.clients)) this.clients.set(clientId, client);
    this.reindexUsers();
    this.faults.clear();
    for (const [index, rule] of config.faults.entries()) this.faults.add({ ...rule, id: rule.id ?? `config-${index + 1}` });
  }

  get provider(): Provider {
    return this.#built.provider;
  }

  /** The provider's own middleware, run at the end of the tenant's pipeline. */
  providerMiddleware(...args: Parameters<Middleware>): ReturnType<Middleware> {
    return this.#built.middleware(...args);
  }

  /** Issuers whose JWTs token exchange and JWT bearer accept. */
  get trustedIssuers(): TrustedIssuers {
    return this.#built.trustedIssuers;
  }

  /** Whether the current provider releases a custom claim name (a user bringing a new one needs a rebuild). */
  releasesClaim(name: string): boolean {
    return this.#built.claimNames.has(name);
  }

  /** Makes a fresh oidc-provider from the current users, clients and keys. */
  rebuild(): void {
    this.#built = this.#build(this);
  }

  /** Rebuilds the provider; when that fails, undoes the change (`rollback`) and rebuilds what was there before. */
  rebuildOrRollback(rollback: () => void): void {
    try {
      this.rebuild();
    } catch (error) {
      rollback();
      this.reindexUsers();
      this.rebuild();
      throw error;
    }
  }

  // Users

  /** A user's subject: configured, else the profile's (Google's numeric ids), else the user name. */
  subOf(username: string, user: UserConfig): string {
    return subFrom(username, user, this.profile?.userClaims(username, user));
  }

  /** Every claim of a user: the configured ones, over the profile's, over the standard ones. */
  claimsOf(username: string, user: UserConfig): Record<string, unknown> & { sub: string } {
    const profiled = this.profile?.userClaims(username, user);
    const claims: Record<string, unknown> = { ...claimsOf(username, user), ...profiled, ...user.claims, sub: subFrom(username, user, profiled) };
    for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
    return claims as Record<string, unknown> & { sub: string };
  }

  userBySub(sub: string): { username: string; user: UserConfig } | undefined {
    const username = this.#subIndex.get(sub);
    const user = username === undefined ? undefined : this.users.get(username);
    return username === undefined || user === undefined ? undefined : { username, user };
  }

  /** The user name that has this subject, if any. */
  ownerOfSub(sub: string): string | undefined {
    return this.#subIndex.get(sub);
  }

  /** Sets (or, with undefined, removes) a user, keeping the subject index current. */
  setUser(username: string, user: UserConfig | undefined): void {
    const before = this.users.get(username);
    if (before) {
      const sub = this.subOf(username, before);
      if (this.#subIndex.get(sub) === username) this.#subIndex.delete(sub);
    }
    if (user) {
      this.users.set(username, user);
      this.#subIndex.set(this.subOf(username, user), username);
    } else this.users.delete(username);
  }

  reindexUsers(): void {
    this.#subIndex = new Map([...this.users].map(([username, user]) => [this.subOf(username, user), username]));
  }

  // Clients

  /** Whether a browser origin may make CORS requests for this client (any client of the tenant when none is named). */
  allowsOrigin(origin: string, clientId?: string): boolean {
    const clients = clientId === undefined ? [...this.clients.values()] : [this.clients.get(clientId)].filter((client) => client !== undefined);
    return clients.some((client) => originAllowed(corsOriginsOf(client), origin));
  }

  // Grants and sessions

  revokeGrant(grantId: string): void {
    revokeGrant(this.store, grantId);
  }

  /** Revokes grants (and every token issued from them) of a user and/or client; returns how many. */
  revokeGrants(filter: { user?: string | undefined; client?: string | undefined }): number {
    const sub = filter.user === undefined ? undefined : this.#subOfName(filter.user);
    return endMatching(
      this.store,
      'Grant',
      (payload) => (sub === undefined || payload.accountId === sub) && (filter.client === undefined || payload.clientId === filter.client),
      (id) => this.revokeGrant(id),
    );
  }

  /** Ends the browser sessions of a user (of everyone without one); returns how many. */
  revokeSessions(filter: { user?: string | undefined }): number {
    const sub = filter.user === undefined ? undefined : this.#subOfName(filter.user);
    return endMatching(
      this.store,
      'Session',
      (payload) => sub === undefined || payload.accountId === sub,
      (id) => this.store.destroy('Session', id),
    );
  }

  #subOfName(username: string): string {
    const user = this.users.get(username);
    return user ? this.subOf(username, user) : username;
  }

  /** The provider's outgoing requests (back-channel logout), journalled (see outgoing.ts). */
  fetchOut(url: string, init: RequestInit): Promise<Response> {
    return fetchOutgoing({ name: this.name, journalOutgoing: this.journalOutgoing, usernameOfSub: (sub) => this.userBySub(sub)?.username }, url, init);
  }

  // Lifecycle

  /** Back to the configured state: users, clients, clock and keys as at start, storage emptied. */
  reset(): void {
    this.config = this.#initialConfig;
    this.#load(this.config);
    this.clock.set({ offsetSeconds: this.config.clock.offsetSeconds, frozenAt: this.config.clock.frozenAt ?? null });
    this.keys = KeySet.fromKeys(this.#initialKeys.map((key) => ({ ...key })));
    this.store.clear();
    this.loginClaims.clear();
    this.rebuild();
  }

  /**
   * As after a restart of an IdP that keeps its state in memory: users, clients and clock stay
   * as they are now, storage (sessions, grants, codes, tokens) is emptied, and the signing keys
   * stay unless `newKeys` (an IdP that generates its keys at start).
   */
  async restart(options: { newKeys: boolean }): Promise<void> {
    if (options.newKeys)
      this.keys = await KeySet.create(
        this.keys.algorithms().map((alg) => ({ alg })),
        this.clock.now(),
      );
    this.store.clear();
    this.rebuild();
  }

  close(): void {
    this.store.close();
  }
}

function subFrom(username: string, user: UserConfig, profiled: Record<string, unknown> | undefined): string {
  return user.sub ?? (profiled?.['sub'] as string | undefined) ?? username;
}
