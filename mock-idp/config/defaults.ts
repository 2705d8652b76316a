import type { MockIdpConfigInput, TenantInput } from './schema.ts';

/** The tenant every fresh start has: two users, a public SPA/CLI client and a confidential service. */
export const defaultTenant: TenantInput = {
  displayName: 'Mock IdP',
  users: {
    alice: { name: 'Alice Anders', givenName: 'Alice', familyName: 'Anders', email: 'alice@example.test', groups: ['admins', 'developers'] },
    bob: { name: 'Bob Brown', givenName: 'Bob', familyName: 'Brown', email: 'bob@example.test', groups: ['developers'] },
  },
  clients: {
    demo: {
      name: 'Demo app',
      grants: ['authorization_code', 'refresh_token', 'device_code'],
      redirectUris: ['http://127.0.0.1:8080/callback'],
      postLogoutRedirectUris: ['http://127.0.0.1:8080/'],
    },
    service: {
      name: 'Service',
      secret: 'service-secret',
      grants: ['client_credentials'],
      audience: 'api://default',
      claims: { roles: ['service.read'] },
    },
  },
};

export const defaultConfig: MockIdpConfigInput = {
  tenants: { default: defaultTenant },
};
