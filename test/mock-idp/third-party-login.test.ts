import { describe, expect, it } from 'vitest';
import { defaultTenant } from '../../mock-idp/index.ts';
import { startTestIdp } from '../support/idp.ts';

/* Login initiated by a third party (OpenID Connect Core §4), served by the IdP itself. */

const idp = await startTestIdp({
  tenants: {
    default: {
      ...defaultTenant,
      clients: {
        ...defaultTenant.clients,
        launched: { redirectUris: ['http://127.0.0.1:8080/callback'], initiateLoginUri: 'http://127.0.0.1:8080/start?from=portal' },
      },
    },
  },
});
const issuer = idp.issuer('default');
const get = (query: string) => fetch(`${issuer}/initiate_login?${query}`, { redirect: 'manual' });

describe('GET <issuer>/initiate_login', () => {
  it("sends the browser to the client's initiate_login_uri with the issuer, keeping its own query and the login_hint", async () => {
    const response = await get('client_id=launched&login_hint=alice');
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:8080/start');
    expect(Object.fromEntries(location.searchParams)).toEqual({ from: 'portal', iss: issuer, login_hint: 'alice' });
  });

  it('answers 400 for a client without initiateLoginUri, naming the option', async () => {
    const response = await get('client_id=demo');
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('initiateLoginUri');
  });

  it('answers 404 for an unknown client, listing the known ones, and 400 without client_id', async () => {
    const unknown = await get('client_id=nobody');
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(await unknown.json())).toContain('launched');
    expect((await get('')).status).toBe(400);
  });
});
