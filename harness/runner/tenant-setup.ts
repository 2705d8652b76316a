import type { ClientInput, TenantInput, UserInput } from '../../mock-idp/index.ts';
import { STANDARD_CLIENTS, STANDARD_USERS, userByName } from '../scenario/defaults.ts';
import type { IdpSetup } from '../scenario/idp-setup.ts';
import type { ClientSpec } from '../targets/session.ts';
import type { KeySpecs } from './keys.ts';

/*
 * The IdP tenant a scenario runs against: the standard users and clients, the scenario's own,
 * the target's clients, and the run's keys, as one tenant configuration for the admin API.
 */

function usersOf(users: IdpSetup['users']): Record<string, UserInput> {
  if (users === undefined) return { ...STANDARD_USERS };
  if (Array.isArray(users)) return Object.fromEntries(users.map((name) => [name, userByName(name)]));
  return users as Record<string, UserInput>;
}

/** Every client of the tenant as the runner knows it (secrets included), by client_id. */
export function clientsOf(
  setup: Pick<IdpSetup, 'clients' | 'standardClients' | 'targetClient'>,
  targetClients: Record<string, ClientSpec>,
): Record<string, ClientSpec> {
  const clients: Record<string, ClientSpec> = {};
  const standard = setup.standardClients === false ? {} : STANDARD_CLIENTS;
  for (const [id, config] of Object.entries({ ...standard, ...(setup.clients as Record<string, ClientInput> | undefined) })) {
    clients[id] = { id, secret: config.secret, redirectUri: config.redirectUris?.[0], config };
  }
  for (const [role, spec] of Object.entries(targetClients)) {
    const overrides = role === 'main' ? ((setup.targetClient as Partial<ClientInput> | undefined) ?? {}) : {};
    const config = { ...spec.config, ...overrides };
    clients[spec.id] = { ...spec, secret: config.secret ?? spec.secret, redirectUri: config.redirectUris?.[0] ?? spec.redirectUri, config };
  }
  return clients;
}

/** `keys`: the tenant's keys, completed by SuiteKeys (the scenario's own, else the run's). */
export function tenantConfig(setup: IdpSetup, clients: Record<string, ClientSpec>, keys: KeySpecs): TenantInput {
  return {
    ...(setup.profile ? { profile: setup.profile } : {}),
    keys,
    ...(setup.defaultAlg ? { defaultAlg: setup.defaultAlg } : {}),
    ...(setup.keyRotationGraceSeconds !== undefined ? { keyRotationGraceSeconds: setup.keyRotationGraceSeconds } : {}),
    ...(setup.clock ? { clock: setup.clock } : {}),
    ...(setup.ttl ? { ttl: setup.ttl as TenantInput['ttl'] } : {}),
    ...(setup.refreshTokens ? { refreshTokens: setup.refreshTokens } : {}),
    ...(setup.deviceFlow ? { deviceFlow: setup.deviceFlow } : {}),
    ...(setup.scopes ? { scopes: setup.scopes } : {}),
    ...(setup.registration ? { registration: setup.registration } : {}),
    ...(setup.requestObjects !== undefined ? { requestObjects: setup.requestObjects } : {}),
    users: usersOf(setup.users),
    clients: Object.fromEntries(Object.values(clients).map((client) => [client.id, client.config])),
  };
}

export function otherTenantConfig(other: NonNullable<IdpSetup['others']>[string], keys: KeySpecs): TenantInput {
  const clients = clientsOf({ clients: other.clients, standardClients: true, targetClient: undefined }, {});
  return {
    keys,
    ...(other.defaultAlg ? { defaultAlg: other.defaultAlg } : {}),
    users: usersOf(other.users),
    clients: Object.fromEntries(Object.values(clients).map((client) => [client.id, client.config])),
  };
}
