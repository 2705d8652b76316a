import type { ClientConfig, UserConfig } from '../config/schema.ts';
import type { Tenant } from '../tenant/tenant.ts';

/** What the admin API shows of tenants, users and clients: never a password or a client secret. */

export function tenantSummary(tenant: Tenant) {
  return {
    name: tenant.name,
    issuer: tenant.issuer,
    discovery: `${tenant.issuer}/.well-known/openid-configuration`,
    users: [...tenant.users.keys()],
    clients: [...tenant.clients.keys()],
  };
}

export function userView(username: string, user: UserConfig) {
  const { password: _password, ...rest } = user;
  return { username, ...rest, sub: user.sub ?? username };
}

export function clientView(clientId: string, client: ClientConfig) {
  const { secret, ...rest } = client;
  return { clientId, ...rest, hasSecret: secret !== undefined };
}
