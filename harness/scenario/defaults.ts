import type { ClientInput, UserInput } from '../../mock-idp/index.ts';

/*
 * What every scenario's IdP tenant has unless the scenario says otherwise: three users and three
 * clients, so short scenarios need no set-up. A scenario's own users and clients are added to (and
 * override) these; `idp.users: [alice]` picks users by name.
 */

export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8765/cb';

export const STANDARD_USERS: Record<string, UserInput> = {
  alice: { name: 'Alice Anders', email: 'alice@example.test', groups: ['admins', 'developers'] },
  bob: { name: 'Bob Brown', email: 'bob@example.test', groups: ['developers'] },
  carol: { name: 'Carol Clark', email: 'carol@example.test', groups: [] },
};

export const STANDARD_CLIENTS: Record<string, ClientInput> = {
  demo: { name: 'Demo app (public)', grants: ['authorization_code', 'refresh_token'], redirectUris: [DEFAULT_REDIRECT_URI] },
  web: { name: 'Web app (confidential)', secret: 'web-secret', grants: ['authorization_code', 'refresh_token'], redirectUris: [DEFAULT_REDIRECT_URI] },
  service: { name: 'Service (client credentials)', secret: 'service-secret', grants: ['client_credentials'] },
  cli: { name: 'CLI (device flow)', grants: ['device_code', 'refresh_token'] },
};

/** A user named in a list: a standard user, or a plain one with an e-mail address. */
export function userByName(name: string): UserInput {
  return STANDARD_USERS[name] ?? { email: `${name}@example.test` };
}
