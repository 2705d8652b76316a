import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import compose from 'koa-compose';
import type { Middleware } from 'koa';
import Provider from 'oidc-provider';
import {
  limitsSchema,
  type Limits,
  clientSchema,
  corsOriginsOf,
  tenantSchema,
  userSchema,
  type ClientConfig,
  type ClientInput,
  type SigningAlg,
  type TenantConfig,
  type UserConfig,
  type UserInput,
} from '../config/schema.ts';
import { ConfigError, problemsFromZod } from '../config/errors.ts';
import { Clock, ClockRangeError } from '../clock/clock.ts';
import { realTimeCookies } from '../clock/real-time-cookies.ts';
import { KeySet, KeySpecError, type SigningKey } from '../keys/key-set.ts';
import { TtlStore } from '../provider/store.ts';
import { LoginClaims } from '../provider/login-claims.ts';
import { customClaimNames, providerConfiguration, pageTenant, tenantClaimNames, OIDC_SCOPES, ROUTES, type ProviderTenant } from '../provider/configuration.ts';
import { devicePolling, recordSlowDown } from '../provider/device-polling.ts';
import { thirdPartyLogin } from '../provider/third-party-login.ts';
import { claimsEndpoint } from '../provider/claim-sources.ts';
import { frontChannelLogout, includeSidForFrontChannel } from '../provider/front-channel-logout.ts';
import { requestUriFetcher } from '../provider/request-uri.ts';
import { pkcePlain } from '../provider/pkce-plain.ts';
import { keepOfflineAccess } from '../provider/offline-access.ts';
import { ignoreUnknownRefreshScopes } from '../provider/refresh-scope.ts';
import { jwtAccessTokens } from '../provider/jwt-access-tokens.ts';
import { deviceSessionGuard } from '../provider/device-session-guard.ts';
import { endSessionCors, originAllowed } from '../provider/cors.ts';
import { emptyRevocationAnswer } from '../provider/empty-revocation-answer.ts';
import { explainRefusedGrants } from '../provider/error-details.ts';
import { JWT_BEARER, JWT_BEARER_PARAMS, jwtBearerHandler } from '../grants/jwt-bearer.ts';
import { TOKEN_EXCHANGE, TOKEN_EXCHANGE_PARAMS, tokenExchangeHandler } from '../grants/token-exchange.ts';
import { TrustedIssuers } from '../grants/trusted-issuers.ts';
import { interactionRouter } from '../interactions/router.ts';
import { HttpError } from '../server/http-error.ts';
import { mountTenant } from './mount.ts';
import { claimsOf } from '../provider/claims.ts';
import { mintRequestSchema, mintToken, type MintRequest } from './mint.ts';
import type { Logger } from '../server/logger.ts';
import { faultMiddleware, type FaultHost } from '../faults/middleware.ts';
import { FaultRules, parseFaultRule, type FaultRule } from '../faults/rules.ts';
import { faultRuleSchema } from '../faults/schema.ts';
import { sendOutgoing } from '../faults/logout-token.ts';
import type { EntryBuilder, EntryHead } from '../journal/journal.ts';
import { maskParams } from '../../common/mask.ts';
import { applyProfile, type AppliedProfile } from '../profiles/index.ts';
import type { ProfileTenant } from '../profiles/profile.ts';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { profileMiddleware } from '../profiles/middleware.ts';
import { profileDefaults, profileKeys } from '../profiles/defaults.ts';

const TOKEN_MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'ClientCredentials', 'BackchannelAuthenticationRequest'];

/**
 * One issuer: its users, clients, keys, clock and storage, and the oidc-provider instance built
 * from them. Changing clients, users or keys rebuilds the provider; storage and cookie keys
 * survive, so sessions, grants and tokens live on.
 */
export class Tenant implements ProviderTenant {
  readonly name: string;
  readonly issuer: string;
  readonly store = new TtlStore();
  readonly dpopNonceSecret = randomBytes(32);
  readonly loginClaims = new LoginClaims(this.store, () => this.config.ttl.grant);
  readonly cookieKeys: string[];
  readonly clock: Clock;
  readonly users = new Map<string, UserConfig>();
  readonly clients = new Map<string, ClientConfig>();
  readonly faults = new FaultRules();
  /** Rewrites of the provider profile (run with the fault engine, never listed as faults). */
  readonly profileRules = new FaultRules();
  readonly profile: AppliedProfile | undefined;
  /** `${baseUrl}/${name}`: where the tenant is mounted (its issuer unless a profile says otherwise). */
  readonly mount: string;
  config: TenantConfig;
  keys: KeySet;
  provider!: Provider;

  readonly #initialConfig: TenantConfig;
  readonly #initialKeys: SigningKey[];
  readonly #logger: Logger;
  readonly #limits: Limits;
  #subIndex = new Map<string, string>();
  /** The custom claim names the current provider releases (a user bringing a new one needs a rebuild). */
  #claimNames = new Set<string>();
  #providerMiddleware!: Middleware;
  readonly middleware: Middleware;

  private constructor(name: string, mount: string, config: TenantConfig, keys: KeySet, cookieKeys: string[], logger: Logger, limits: Limits) {
    this.name = name;
    this.#limits = limits;
    this.cookieKeys = cookieKeys;
    this.mount = mount;
    this.profile = config.profile ? applyProfile(config.profile, { tenant: name, mount }) : undefined;
    this.issuer = this.profile?.issuer ?? mount;
    this.profile?.rules.forEach((rule, index) => this.profileRules.add(parseFaultRule({ id: `profile-${index + 1}`, ...rule })));
    this.config = config;
    this.#initialConfig = config;
    this.keys = keys;
    this.#initialKeys = keys.keys.map((key) => ({ ...key }));
    this.#logger = logger;
    try {
      this.clock = new Clock(config.clock.offsetSeconds, config.clock.frozenAt);
    } catch (error) {
      if (!(error instanceof ClockRangeError)) throw error;
      throw new HttpError(400, 'invalid_request', `tenants.${name}.clock: ${error.message}`, {
        problems: [{ path: `tenants.${name}.clock`, message: error.message }],
      });
    }
    this.#loadPeople(config);
    this.#loadFaults(config);
    this.rebuild();
    this.middleware = mountTenant(`/${name}`, this.#stack());
  }

  /**
   * cookieKeys must be the keys of the Koa app the tenant is mounted in: oidc-provider sets some
   * cookies through the mounting app's context and reads them back through its own.
   */
  static async create(
    name: string,
    baseUrl: string,
    config: TenantConfig,
    cookieKeys: string[],
    logger: Logger,
    limits: Limits = limitsSchema.parse({}),
  ): Promise<Tenant> {
    const counts: Array<[string, number, keyof Limits]> = [
      ['users', Object.keys(config.users).length, 'usersPerTenant'],
      ['clients', Object.keys(config.clients).length, 'clientsPerTenant'],
      ['fault rules', config.faults.length, 'faultRulesPerTenant'],
      ['keys', config.keys.length, 'keysPerTenant'],
    ];
    for (const [what, count, key] of counts) if (count > limits[key]) throw limitReached(key, limits[key], `tenant "${name}" has ${count} ${what}`);
    const withProfile = await profileKeys(profileDefaults(config), { tenant: name, mount: `${baseUrl}/${name}` });
    let keys: KeySet;
    try {
      keys = await KeySet.create(withProfile.keys);
    } catch (error) {
      if (!(error instanceof KeySpecError)) throw error;
      const path = `tenants.${name}.${error.path}`;
      throw new HttpError(400, 'invalid_request', `${path}: ${error.message}`, { problems: [{ path, message: error.message }] });
    }
    return new Tenant(name, `${baseUrl}/${name}`, withProfile, keys, cookieKeys, logger, limits);
  }

  #loadPeople(config: TenantConfig): void {
    this.users.clear();
    this.clients.clear();
    for (const [username, user] of Object.entries(config.users)) this.users.set(username, user);
    for (const [clientId, client] of Object.entries(config.clients)) this.clients.set(clientId, client);
    this.#reindexUsers();
  }

  #loadFaults(config: TenantConfig): void {
    this.faults.clear();
    config.faults.forEach((rule, index) => this.faults.add({ ...rule, id: rule.id ?? `config-${index + 1}` }));
  }

  #reindexUsers(): void {
    this.#subIndex = new Map([...this.users].map(([username, user]) => [this.subOf(username, user), username]));
  }

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

  #stack(): Middleware {
    const tenant = this;
    return compose([
      (ctx, next) => this.clock.run(next),
      profileMiddleware(() => ({ profile: this.profile, mount: this.mount, tenant: this.#profileTenant })),
      // Outside the faults, so that the page after a logout goes where a fault may have sent it.
      frontChannelLogout(() => ({ confirmPath: `${ROUTES.end_session}/confirm`, store: this.store })),
      faultMiddleware(this.#faultHost()),
      faultMiddleware({ ...this.#faultHost(), rules: this.profileRules }),
      realTimeCookies(this.clock),
      (_ctx, next) => {
        if (this.keys.nextRetirement() <= Date.now() && this.keys.prune()) this.rebuild();
        return next();
      },
      emptyRevocationAnswer({ path: ROUTES.revocation }),
      endSessionCors({ path: ROUTES.end_session, allows: (origin, clientId) => this.allowsOrigin(origin, clientId) }),
      deviceSessionGuard({
        path: ROUTES.code_verification,
        except: [ROUTES.device_authorization],
        sessionCookie: () => `_session.${this.name}`,
        sessionExists: (id) => this.store.find('Session', id) !== undefined,
      }),
      jwtAccessTokens({
        paths: [ROUTES.introspection, ROUTES.revocation],
        issuer: this.issuer,
        jwks: () => this.keys.publicJwks() as never,
        store: this.store,
      }),
      devicePolling(this.store, () => ({
        paths: [ROUTES.device_authorization, ROUTES.token],
        interval: this.config.deviceFlow.interval,
        enforceInterval: this.config.deviceFlow.enforceInterval,
        deviceCodeTtl: () => this.config.ttl.deviceCode,
      })),
      keepOfflineAccess({ authorizationPath: ROUTES.authorization }),
      ignoreUnknownRefreshScopes({
        tokenPath: ROUTES.token,
        knownScopes: (clientId) =>
          new Set([...OIDC_SCOPES, ...this.config.scopes, ...((clientId === undefined ? undefined : this.clients.get(clientId)?.scopes) ?? [])]),
      }),
      thirdPartyLogin(() => ({ issuer: this.issuer, clients: this.clients })),
      claimsEndpoint(
        () => ({ issuer: this.issuer, keys: this.keys, alg: this.config.defaultAlg, store: this.store }),
        () => this.users,
      ),
      requestUriFetcher(() => ({ enabled: this.config.requestObjects, authorizationPath: ROUTES.authorization })),
      pkcePlain({
        authorizationPath: ROUTES.authorization,
        allows: (clientId) => this.clients.get(clientId)?.pkcePlain === true,
        anyAllows: () => [...this.clients.values()].some((client) => client.pkcePlain),
      }),
      interactionRouter({
        name: this.name,
        users: this.users,
        page: () => pageTenant(this),
        usernameOf: (sub) => this.userBySub(sub)?.username ?? sub,
        subOf: (username, user) => this.subOf(username, user),
        acceptLoginClaims: (claims) => {
          if (this.loginClaims.learnNames(claims)) this.rebuild();
        },
        get provider() {
          return tenant.provider;
        },
      }),
      (ctx, next) => this.#providerMiddleware(ctx, next),
    ]);
  }

  /** What the profile's own endpoints (Google's tokeninfo, revoke, PEM certificates) use of the tenant. */
  readonly #profileTenant: ProfileTenant = {
    signingKeys: () => this.keys.keys,
    nowSeconds: () => this.clock.nowSeconds(),
    findToken: async (value) => {
      const access = await this.provider.AccessToken.find(value).catch(() => undefined);
      const found = access
        ? { kind: 'AccessToken' as const, token: access }
        : { kind: 'RefreshToken' as const, token: await this.provider.RefreshToken.find(value).catch(() => undefined) };
      const { kind, token } = found;
      if (!token || token.isExpired) return undefined;
      return { kind, clientId: token.clientId!, accountId: token.accountId, scope: token.scope ?? '', exp: token.exp!, grantId: token.grantId };
    },
    revokeGrant: (grantId) => this.revokeGrant(grantId),
    redirectUrisOf: (clientId) => this.clients.get(clientId)?.redirectUris,
    claimsOf: (accountId) => {
      const found = this.userBySub(accountId);
      return found ? this.claimsOf(found.username, found.user) : undefined;
    },
    verifyIdToken: async (token) => {
      try {
        const { payload } = await jwtVerify(token, createLocalJWKSet(this.keys.publicJwks() as never), { currentDate: new Date(this.clock.now()) });
        return payload as Record<string, unknown>;
      } catch {
        return undefined;
      }
    },
  };

  /** Whether a browser origin may make CORS requests for this client (any client of the tenant when none is named). */
  allowsOrigin(origin: string, clientId?: string): boolean {
    const clients = clientId === undefined ? [...this.clients.values()] : [this.clients.get(clientId)].filter((client) => client !== undefined);
    return clients.some((client) => originAllowed(corsOriginsOf(client), origin));
  }

  /** Where the tenant's outgoing requests are journalled (set by the server that mounts it). */
  journalOutgoing: ((head: EntryHead, build: EntryBuilder, bytes: number) => void) | undefined;

  /**
   * The provider's outgoing requests (back-channel logout), with the logout-token faults of the
   * request; each is journalled as endpoint backchannel_logout with the client's answer.
   */
  async fetchOut(url: string, init: RequestInit): Promise<Response> {
    const at = Date.now();
    const started = performance.now();
    let status = 0;
    try {
      const response = await sendOutgoing(url, init);
      status = response.status;
      return response;
    } finally {
      const form = init.body instanceof URLSearchParams ? Object.fromEntries(init.body) : {};
      const head = {
        at,
        tenant: this.name,
        endpoint: 'backchannel_logout' as const,
        method: String(init.method ?? 'POST'),
        path: url.slice(0, 2048),
        status,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
      };
      this.journalOutgoing?.(
        head,
        () => {
          const claims = logoutTokenClaims(form['logout_token']);
          const user = typeof claims?.sub === 'string' ? (this.userBySub(claims.sub)?.username ?? claims.sub) : undefined;
          const client = Array.isArray(claims?.aud) ? claims.aud[0] : claims?.aud;
          return { params: maskParams(form), ...(client ? { clientId: client } : {}), ...(user ? { user } : {}) };
        },
        (form['logout_token'] ?? '').length,
      );
    }
  }

  /** What the fault middleware needs of this tenant. */
  #faultHost(): FaultHost {
    const tenant = this;
    return {
      rules: this.faults,
      get issuer() {
        return tenant.issuer;
      },
      get logger() {
        return tenant.#logger;
      },
      redirectUrisOf: (clientId) => this.clients.get(clientId)?.redirectUris,
      rewriteContext: () => ({
        issuer: this.issuer,
        keys: this.keys,
        nowSeconds: this.clock.nowSeconds(),
        activeKids: this.keys.keys.filter((key) => key.status === 'active').map((key) => key.kid),
      }),
      rotateKeys: async () => {
        for (const alg of this.keys.algorithms()) await this.keys.rotate(alg, this.config.keyRotationGraceSeconds, this.clock.now());
        // A rule that rotates on every request must not grow the key set without bound.
        this.keys.dropOldestRetired(this.#limits.keysPerTenant);
        this.rebuild();
      },
      usernameOf: (sub) => this.userBySub(sub)?.username,
      deviceSlowDown: (deviceCode) => recordSlowDown(this.store, deviceCode),
      findToken: (model, id) => this.store.find(model, id),
      revokeGrant: (grantId) => this.revokeGrant(grantId),
    };
  }

  /** Issuers whose JWTs token exchange and JWT bearer accept (rebuilt with the provider: a tenant named there may have come or gone). */
  trustedIssuers!: TrustedIssuers;

  /** Builds a fresh oidc-provider from the current users, clients and keys. */
  rebuild(): void {
    const baseUrl = this.mount.slice(0, -(this.name.length + 1));
    this.trustedIssuers = new TrustedIssuers(this.config.trustedIssuers, (tenant) => `${baseUrl}/${tenant}`);
    let provider: Provider;
    const claimNames = tenantClaimNames(this);
    try {
      provider = new Provider(this.issuer, providerConfiguration(this, claimNames));
    } catch (error) {
      throw new HttpError(400, 'invalid_configuration', `tenant "${this.name}" cannot be built: ${(error as Error).message}`);
    }
    provider.registerGrantType(TOKEN_EXCHANGE, tokenExchangeHandler(this), TOKEN_EXCHANGE_PARAMS, ['audience', 'resource']);
    provider.registerGrantType(JWT_BEARER, jwtBearerHandler(this), JWT_BEARER_PARAMS, ['audience', 'resource']);
    explainRefusedGrants(provider);
    provider.on('server_error', (_ctx: unknown, error: Error) => this.#logger.error(`tenant ${this.name}: ${error.stack ?? error.message}`));
    includeSidForFrontChannel(provider, (clientId) => this.clients.get(clientId));
    this.provider = provider;
    this.#claimNames = claimNames;
    this.#providerMiddleware = compose(provider.middleware);
  }

  userBySub(sub: string): { username: string; user: UserConfig } | undefined {
    const username = this.#subIndex.get(sub);
    const user = username === undefined ? undefined : this.users.get(username);
    return username === undefined || user === undefined ? undefined : { username, user };
  }

  // Users

  putUser(username: string, input: UserInput): UserConfig {
    const user = parseOrThrow(userSchema, input, ['users', username]);
    const sub = this.subOf(username, user);
    const owner = this.#subIndex.get(sub);
    if (owner !== undefined && owner !== username)
      throw new HttpError(
        409,
        'conflict',
        `sub "${sub}" is already the subject of user "${owner}" in tenant "${this.name}": give user "${username}" a sub of their own`,
      );
    const previous = this.users.get(username);
    if (!previous && this.users.size >= this.#limits.usersPerTenant)
      throw limitReached('usersPerTenant', this.#limits.usersPerTenant, `tenant "${this.name}" has ${this.users.size} users`);
    this.users.set(username, user);
    this.#indexUser(username, previous, user);
    // The provider reads users live (findAccount); it is rebuilt only for a claim name it does not release yet.
    if (
      customClaimNames({ ...this.claimsOf(username, user), ...user.aggregatedClaims, ...user.distributedClaims }).some((claim) => !this.#claimNames.has(claim))
    ) {
      this.#rebuildOrRollback(() => {
        if (previous) this.users.set(username, previous);
        else this.users.delete(username);
        this.#indexUser(username, user, previous);
      });
    }
    // A disabled user's browser sessions end with it: no silent login from an old session.
    if (user.disabled && !previous?.disabled) this.revokeSessions({ user: username });
    return user;
  }

  patchUser(username: string, patch: Partial<UserInput>): UserConfig {
    const current = this.users.get(username);
    if (!current) throw new HttpError(404, 'not_found', `no user "${username}" in tenant "${this.name}"`);
    const merged = { ...current, ...patch, claims: patch.claims === undefined ? current.claims : { ...current.claims, ...patch.claims } };
    return this.putUser(username, merged);
  }

  deleteUser(username: string): void {
    const user = this.users.get(username);
    if (!user) throw new HttpError(404, 'not_found', `no user "${username}" in tenant "${this.name}"`);
    this.revokeGrants({ user: username });
    this.revokeSessions({ user: username });
    this.users.delete(username);
    this.#indexUser(username, user, undefined);
  }

  /** Moves one user's entry in the sub index (the whole index is rebuilt only on load). */
  #indexUser(username: string, before: UserConfig | undefined, after: UserConfig | undefined): void {
    if (before) {
      const sub = this.subOf(username, before);
      if (this.#subIndex.get(sub) === username) this.#subIndex.delete(sub);
    }
    if (after) this.#subIndex.set(this.subOf(username, after), username);
  }

  // Clients

  putClient(clientId: string, input: ClientInput): ClientConfig {
    const client = parseOrThrow(clientSchema, input, ['clients', clientId]);
    const previous = this.clients.get(clientId);
    if (!previous && this.clients.size >= this.#limits.clientsPerTenant)
      throw limitReached('clientsPerTenant', this.#limits.clientsPerTenant, `tenant "${this.name}" has ${this.clients.size} clients`);
    this.clients.set(clientId, client);
    this.#rebuildOrRollback(() => (previous ? this.clients.set(clientId, previous) : this.clients.delete(clientId)));
    return client;
  }

  patchClient(clientId: string, patch: Partial<ClientInput>): ClientConfig {
    const current = this.clients.get(clientId);
    if (!current) throw new HttpError(404, 'not_found', `no client "${clientId}" in tenant "${this.name}"`);
    return this.putClient(clientId, { ...current, ...patch });
  }

  deleteClient(clientId: string): void {
    if (!this.clients.has(clientId)) throw new HttpError(404, 'not_found', `no client "${clientId}" in tenant "${this.name}"`);
    this.revokeGrants({ client: clientId });
    this.clients.delete(clientId);
    this.rebuild();
  }

  #rebuildOrRollback(rollback: () => void): void {
    try {
      this.rebuild();
    } catch (error) {
      rollback();
      this.#reindexUsers();
      this.rebuild();
      throw error;
    }
  }

  // Keys

  async rotateKey(alg: SigningAlg | undefined, graceSeconds?: number): Promise<{ added: string; retired?: string }> {
    const chosen = alg ?? this.config.defaultAlg;
    this.keys.prune(this.clock.now());
    if (this.keys.keys.length >= this.#limits.keysPerTenant)
      throw limitReached(
        'keysPerTenant',
        this.#limits.keysPerTenant,
        `tenant "${this.name}" has ${this.keys.keys.length} keys; revoke rotated-out keys (DELETE .../keys/{kid}) or wait for their grace period to end`,
      );
    const result = await this.keys.rotate(chosen, graceSeconds ?? this.config.keyRotationGraceSeconds, this.clock.now());
    this.rebuild();
    return result.retired ? { added: result.added.kid, retired: result.retired.kid } : { added: result.added.kid };
  }

  revokeKey(kid: string): void {
    try {
      this.keys.revoke(kid);
    } catch (error) {
      throw new HttpError(
        (error as Error).name === 'KeyNotFoundError' ? 404 : 409,
        (error as Error).name === 'KeyNotFoundError' ? 'not_found' : 'conflict',
        (error as Error).message,
      );
    }
    this.rebuild();
  }

  // Grants and sessions

  /** Revokes grants (and every token issued from them) of a user and/or client; returns how many. */
  revokeGrants(filter: { user?: string | undefined; client?: string | undefined }): number {
    const sub = filter.user === undefined ? undefined : this.#subOf(filter.user);
    let revoked = 0;
    for (const { id, payload } of [...this.store.list('Grant')]) {
      if (sub !== undefined && payload.accountId !== sub) continue;
      if (filter.client !== undefined && payload.clientId !== filter.client) continue;
      this.revokeGrant(id);
      revoked += 1;
    }
    return revoked;
  }

  /** Revokes one grant and every token issued from it. */
  revokeGrant(grantId: string): void {
    for (const model of TOKEN_MODELS) this.store.revokeByGrantId(model, grantId);
    this.store.destroy('Grant', grantId);
  }

  revokeSessions(filter: { user?: string | undefined }): number {
    const sub = filter.user === undefined ? undefined : this.#subOf(filter.user);
    let revoked = 0;
    for (const { id, payload } of [...this.store.list('Session')]) {
      if (sub !== undefined && payload.accountId !== sub) continue;
      this.store.destroy('Session', id);
      revoked += 1;
    }
    return revoked;
  }

  #subOf(username: string): string {
    const user = this.users.get(username);
    return user ? this.subOf(username, user) : username;
  }

  // Faults

  /** Adds a fault rule (replacing one with the same id); 400 names the bad field. */
  addFault(input: unknown): FaultRule {
    parseOrThrow(faultRuleSchema, input, ['fault']);
    const rule = parseFaultRule(input);
    if (!this.faults.has(rule.id) && this.faults.size >= this.#limits.faultRulesPerTenant)
      throw limitReached(
        'faultRulesPerTenant',
        this.#limits.faultRulesPerTenant,
        `tenant "${this.name}" has ${this.faults.size} fault rules; remove some (DELETE .../faults)`,
      );
    if (rule.action.token?.sign === 'hs256-public-key' && !this.keys.keys.some((key) => key.publicJwk.kty === 'RSA')) {
      throw new HttpError(
        400,
        'invalid_request',
        `fault.action.token.sign: hs256-public-key needs an RSA key, and tenant "${this.name}" has none: add keys: [{alg: RS256}]`,
      );
    }
    return this.faults.add(rule);
  }

  removeFault(id: string): void {
    if (!this.faults.remove(id))
      throw new HttpError(
        404,
        'not_found',
        `no fault rule "${id}" in tenant "${this.name}"; rules: ${
          this.faults
            .list()
            .map((rule) => rule.id)
            .join(', ') || '(none)'
        }`,
      );
  }

  /** A token signed with this tenant's keys and clock, without a flow (see mint.ts). */
  mint(request: MintRequest) {
    const parsed = parseOrThrow(mintRequestSchema, request, ['token']);
    return mintToken(
      {
        issuer: this.issuer,
        keys: this.keys,
        defaultAlg: this.config.defaultAlg,
        nowSeconds: this.clock.nowSeconds(),
        users: this.users,
        clients: this.clients,
        claimsOf: (username, user) => this.claimsOf(username, user),
      },
      parsed,
    );
  }

  /** Back to the configured state: users, clients, clock and keys as at start, storage emptied. */
  reset(): void {
    this.config = this.#initialConfig;
    this.#loadPeople(this.config);
    this.#loadFaults(this.config);
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

function limitReached(key: keyof Limits, limit: number, detail: string): HttpError {
  return new HttpError(
    409,
    'limit_reached',
    `${detail}, the most server.limits.${key} allows (${limit}): raise the limit in the configuration, or remove some first`,
  );
}

function subFrom(username: string, user: UserConfig, profiled: Record<string, unknown> | undefined): string {
  return user.sub ?? (profiled?.['sub'] as string | undefined) ?? username;
}

export function parseTenantConfig(name: string, input: unknown): TenantConfig {
  return parseOrThrow(tenantSchema, input ?? {}, ['tenants', name]);
}

function parseOrThrow<T>(
  schema: { safeParse(input: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } },
  input: unknown,
  prefix: PropertyKey[],
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = problemsFromZod(result.error, prefix);
  throw new HttpError(400, 'invalid_request', new ConfigError(problems).message, { problems: problems.map(({ path, message }) => ({ path, message })) });
}

/** The claims of a logout token as sent (undefined when it is none). */
function logoutTokenClaims(token: string | undefined): { sub?: unknown; aud?: unknown } | undefined {
  if (!token) return undefined;
  try {
    return decodeJwt(token) as { sub?: unknown; aud?: unknown };
  } catch {
    return undefined;
  }
}
