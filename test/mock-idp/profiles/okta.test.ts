import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { discovery, profiledTenant, REDIRECT_URI, tokenRequest } from './support.ts';

const idp = await startTestIdp({
  tenants: {
    okta: profiledTenant('okta', {
      clients: {
        web: { secret: 'web-secret', redirectUris: [REDIRECT_URI], grants: ['authorization_code', 'refresh_token'] },
        svc: { secret: 'svc-secret', grants: ['client_credentials'], audience: 'api://orders' },
        gateway: { secret: 'gateway-secret', grants: ['token_exchange'], exchangeAudiences: ['api://orders'] },
      },
    }),
    org: profiledTenant({ name: 'okta', server: 'org' }),
  },
});
const mount = (tenant: string) => `${idp.url}/${tenant}`;

describe('okta profile', () => {
  it('custom authorization server: issuer .../oauth2/default and /oauth2/default/v1 endpoints', async () => {
    const doc = await discovery(idp, 'okta');
    expect(doc.issuer).toBe(`${mount('okta')}/oauth2/default`);
    expect(doc.token_endpoint).toBe(`${mount('okta')}/oauth2/default/v1/token`);
    expect(doc['jwks_uri']).toBe(`${mount('okta')}/oauth2/default/v1/keys`);
  });

  it('org authorization server: the org as issuer and /oauth2/v1 endpoints', async () => {
    const doc = await discovery(idp, 'org');
    expect(doc.issuer).toBe(mount('org'));
    expect(doc.token_endpoint).toBe(`${mount('org')}/oauth2/v1/token`);
  });

  it('lets openid-client log in with an Okta-style user id as sub', async () => {
    const rp = await relyingParty(idp.issuer('okta'), 'web', { secret: 'web-secret' });
    expect((await loginWithCode(rp, { username: 'alice' })).tokens.claims()!.sub).toMatch(/^00u\w{17}$/);
  });

  it('gives access tokens ver 1, cid and scp as an array', async () => {
    const { body } = await tokenRequest(idp, 'okta', { grant_type: 'client_credentials' }, 'svc:svc-secret');
    const claims = decodeJwt(String(body['access_token']));
    expect(claims).toMatchObject({ ver: 1, cid: 'svc' });
    expect(Array.isArray(claims['scp'])).toBe(true);
  });

  it('publishes bare JWKs at /v1/keys, without x5c', async () => {
    const { keys } = (await (await fetch(`${idp.issuer('okta')}/v1/keys`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toHaveProperty('x5c');
  });

  it("exchanges a user's access token on behalf of the user (Okta's On-Behalf-Of token exchange) at /v1/token, in Okta's token shape", async () => {
    const rp = await relyingParty(idp.issuer('okta'), 'web', { secret: 'web-secret' });
    const { tokens } = await loginWithCode(rp, { username: 'alice', scope: 'openid profile' });
    const { status, body } = await tokenRequest(
      idp,
      'okta',
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: tokens.access_token,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        audience: 'api://orders',
        scope: 'openid',
      },
      'gateway:gateway-secret',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', scope: 'openid' });
    expect(String(body['token_type']).toLowerCase()).toBe('bearer');
    const claims = decodeJwt(String(body['access_token']));
    expect(claims).toMatchObject({ iss: idp.issuer('okta'), aud: 'api://orders', sub: tokens.claims()!.sub, ver: 1, cid: 'gateway' });
    expect(claims['scp']).toEqual(['openid']);
  });
});
