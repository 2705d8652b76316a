import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { discovery, profiledTenant, tokenRequest } from './support.ts';

const idp = await startTestIdp({ tenants: { okta: profiledTenant('okta'), org: profiledTenant({ name: 'okta', server: 'org' }) } });
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
});
