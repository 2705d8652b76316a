import { parseInput } from '../config/parse-input.ts';
import { type ClientConfig, type ClientInput, clientSchema, type SigningAlg, type UserConfig, type UserInput, userSchema } from '../config/schema.ts';
import { ConflictError, InvalidInputError, LimitReachedError, NotFoundError } from '../errors.ts';
import { type FaultRule, parseFaultRule } from '../faults/rules.ts';
import { faultRuleSchema } from '../faults/schema.ts';
import { customClaimNames } from '../provider/configuration.ts';
import { mintRequestSchema, mintToken } from './mint.ts';
import type { Tenant } from './tenant.ts';

/*
 * What the admin API changes in a tenant, each input checked and each refusal a domain error (errors.ts) that
 * names the field or the thing and what to do; the server turns them into HTTP answers in one place.
 */
export class TenantOperations {
  readonly #tenant: Tenant;

  constructor(tenant: Tenant) {
    this.#tenant = tenant;
  }

  // Users

  putUser(username: string, input: unknown): UserConfig {
    const tenant = this.#tenant;
    const user = parseInput(userSchema, input, ['users', username]);
    const sub = tenant.subOf(username, user);
    const owner = tenant.ownerOfSub(sub);
    if (owner !== undefined && owner !== username)
      throw new ConflictError(`sub "${sub}" is already the subject of user "${owner}" in tenant "${tenant.name}": give user "${username}" a sub of their own`);
    const previous = tenant.users.get(username);
    if (!previous && tenant.users.size >= tenant.limits.usersPerTenant)
      throw new LimitReachedError('usersPerTenant', tenant.limits.usersPerTenant, `tenant "${tenant.name}" has ${tenant.users.size} users`);
    tenant.setUser(username, user);
    // The provider reads users live (findAccount); it is rebuilt only for a claim name it does not release yet.
    const claims = { ...tenant.claimsOf(username, user), ...user.aggregatedClaims, ...user.distributedClaims };
    if (customClaimNames(claims).some((claim) => !tenant.releasesClaim(claim))) tenant.rebuildOrRollback(() => tenant.setUser(username, previous));
    // A disabled user's browser sessions end with it: no silent login from an old session.
    if (user.disabled && !previous?.disabled) tenant.revokeSessions({ user: username });
    return user;
  }

  patchUser(username: string, patch: Record<string, unknown>): UserConfig {
    const current = this.#user(username);
    const claims = patch['claims'] === undefined ? current.claims : { ...current.claims, ...(patch['claims'] as Record<string, unknown>) };
    return this.putUser(username, { ...current, ...patch, claims } satisfies Partial<UserInput>);
  }

  deleteUser(username: string): void {
    const tenant = this.#tenant;
    this.#user(username);
    tenant.revokeGrants({ user: username });
    tenant.revokeSessions({ user: username });
    tenant.setUser(username, undefined);
  }

  #user(username: string): UserConfig {
    const user = this.#tenant.users.get(username);
    if (!user) throw new NotFoundError(`no user "${username}" in tenant "${this.#tenant.name}"`);
    return user;
  }

  // Clients

  putClient(clientId: string, input: unknown): ClientConfig {
    const tenant = this.#tenant;
    const client = parseInput(clientSchema, input, ['clients', clientId]);
    const previous = tenant.clients.get(clientId);
    if (!previous && tenant.clients.size >= tenant.limits.clientsPerTenant)
      throw new LimitReachedError('clientsPerTenant', tenant.limits.clientsPerTenant, `tenant "${tenant.name}" has ${tenant.clients.size} clients`);
    tenant.clients.set(clientId, client);
    tenant.rebuildOrRollback(() => (previous ? tenant.clients.set(clientId, previous) : tenant.clients.delete(clientId)));
    return client;
  }

  patchClient(clientId: string, patch: Record<string, unknown>): ClientConfig {
    return this.putClient(clientId, { ...this.#client(clientId), ...patch } satisfies Partial<ClientInput>);
  }

  deleteClient(clientId: string): void {
    const tenant = this.#tenant;
    this.#client(clientId);
    tenant.revokeGrants({ client: clientId });
    tenant.clients.delete(clientId);
    tenant.rebuild();
  }

  #client(clientId: string): ClientConfig {
    const client = this.#tenant.clients.get(clientId);
    if (!client) throw new NotFoundError(`no client "${clientId}" in tenant "${this.#tenant.name}"`);
    return client;
  }

  // Keys

  async rotateKey(alg: SigningAlg | undefined, graceSeconds?: number): Promise<{ added: string; retired?: string }> {
    const tenant = this.#tenant;
    tenant.keys.prune(tenant.clock.now());
    if (tenant.keys.keys.length >= tenant.limits.keysPerTenant)
      throw new LimitReachedError(
        'keysPerTenant',
        tenant.limits.keysPerTenant,
        `tenant "${tenant.name}" has ${tenant.keys.keys.length} keys; revoke rotated-out keys (DELETE .../keys/{kid}) or wait for their grace period to end`,
      );
    const result = await tenant.keys.rotate(alg ?? tenant.config.defaultAlg, graceSeconds ?? tenant.config.keyRotationGraceSeconds, tenant.clock.now());
    tenant.rebuild();
    return result.retired ? { added: result.added.kid, retired: result.retired.kid } : { added: result.added.kid };
  }

  revokeKey(kid: string): void {
    this.#tenant.keys.revoke(kid);
    this.#tenant.rebuild();
  }

  // Grants and sessions

  /** Revokes grants (and every token issued from them) of a known user and/or client; returns how many. */
  revokeGrants(filter: { user?: string | undefined; client?: string | undefined }): number {
    if (filter.user !== undefined) this.#user(filter.user);
    return this.#tenant.revokeGrants(filter);
  }

  revokeSessions(filter: { user?: string | undefined }): number {
    if (filter.user !== undefined) this.#user(filter.user);
    return this.#tenant.revokeSessions(filter);
  }

  // Faults

  /** Adds a fault rule (replacing one with the same id). */
  addFault(input: unknown): FaultRule {
    const tenant = this.#tenant;
    parseInput(faultRuleSchema, input, ['fault']);
    const rule = parseFaultRule(input);
    if (!tenant.faults.has(rule.id) && tenant.faults.size >= tenant.limits.faultRulesPerTenant)
      throw new LimitReachedError(
        'faultRulesPerTenant',
        tenant.limits.faultRulesPerTenant,
        `tenant "${tenant.name}" has ${tenant.faults.size} fault rules; remove some (DELETE .../faults)`,
      );
    if (rule.action.token?.sign === 'hs256-public-key' && !tenant.keys.keys.some((key) => key.publicJwk.kty === 'RSA')) {
      const path = 'fault.action.token.sign';
      const message = `hs256-public-key needs an RSA key, and tenant "${tenant.name}" has none: add keys: [{alg: RS256}]`;
      throw new InvalidInputError(`${path}: ${message}`, [{ path, message }]);
    }
    return tenant.faults.add(rule);
  }

  removeFault(id: string): void {
    const tenant = this.#tenant;
    if (tenant.faults.remove(id)) return;
    const rules = tenant.faults.list().map((rule) => rule.id);
    throw new NotFoundError(`no fault rule "${id}" in tenant "${tenant.name}"; rules: ${rules.join(', ') || '(none)'}`);
  }

  /** A token signed with the tenant's keys and clock, without a flow (see mint.ts). */
  mint(request: unknown) {
    const tenant = this.#tenant;
    const parsed = parseInput(mintRequestSchema, request, ['token']);
    return mintToken(
      {
        issuer: tenant.issuer,
        keys: tenant.keys,
        defaultAlg: tenant.config.defaultAlg,
        nowSeconds: tenant.clock.nowSeconds(),
        users: tenant.users,
        clients: tenant.clients,
        claimsOf: (username, user) => tenant.claimsOf(username, user),
      },
      parsed,
    );
  }
}
