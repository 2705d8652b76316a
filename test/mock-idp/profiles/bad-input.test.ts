import { describe, expect, it } from 'vitest';
import { AdminError, parseConfigText } from '../../../mock-idp/index.ts';
import { startTestIdp } from '../../support/idp.ts';

const idp = await startTestIdp();

describe('profiles: bad input', () => {
  it('refuses a tenant with an unknown profile through the admin API, naming the field and the profiles', async () => {
    const error = await idp.admin.addTenant('ping', { profile: 'pingfederate' } as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdminError);
    expect((error as AdminError).status).toBe(400);
    expect((error as AdminError).message).toMatch(/profile.*unknown profile: profiles are google, entra, adfs, auth0, okta, keycloak/s);
  });

  it('refuses a bad profile option in a configuration file with its line', () => {
    expect(() => parseConfigText('tenants:\n  corp:\n    profile: { name: entra, audience: everyone }\n', 'corp.yaml')).toThrow(
      /corp\.yaml:3.*tenants\.corp\.profile\.audience: must be one of/s,
    );
  });
});
