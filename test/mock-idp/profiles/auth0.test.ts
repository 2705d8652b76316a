import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { deviceAuthorization, discovery, profiledTenant, publishedCertificates, rawLogin, tokenRequest } from './support.ts';

const withApi = profiledTenant('auth0') as { clients: Record<string, Record<string, unknown>> };
withApi.clients['web'] = { ...withApi.clients['web'], audience: 'https://api.shop.example/' };
const idp = await startTestIdp({
  tenants: {
    a0: profiledTenant({ name: 'auth0', namespace: 'https://shop.example/' }),
    a0logout: profiledTenant({ name: 'auth0', endSessionDiscovery: true }),
    a0api: withApi as never,
  },
});
const mount = (tenant: string) => `${idp.url}/${tenant}`;

describe('auth0 profile', () => {
  it('has an issuer with a trailing slash, which openid-client follows', async () => {
    expect(idp.issuer('a0')).toBe(`${mount('a0')}/`);
    expect((await discovery(idp, 'a0')).issuer).toBe(`${mount('a0')}/`);
    const rp = await relyingParty(idp.issuer('a0'), 'web', { secret: 'web-secret' });
    expect((await loginWithCode(rp, { username: 'alice' })).tokens.claims()!.iss).toBe(`${mount('a0')}/`);
  });

  it('serves /oauth/token and /.well-known/jwks.json', async () => {
    const doc = await discovery(idp, 'a0');
    expect(doc.token_endpoint).toBe(`${mount('a0')}/oauth/token`);
    expect(doc['jwks_uri']).toBe(`${mount('a0')}/.well-known/jwks.json`);
  });

  it('puts groups under the tenant namespace, with an auth0| subject', async () => {
    const { idToken } = await rawLogin(idp, 'a0');
    expect(idToken['https://shop.example/groups']).toEqual(['admins', 'developers']);
    expect(idToken).not.toHaveProperty('groups');
    expect(idToken['sub']).toMatch(/^auth0\|/);
  });

  it('advertises end_session_endpoint only when the tenant switch is on', async () => {
    expect(await discovery(idp, 'a0')).not.toHaveProperty('end_session_endpoint');
    expect((await discovery(idp, 'a0logout'))['end_session_endpoint']).toBe(`${mount('a0logout')}/oidc/logout`);
  });

  it('issues access tokens for a day', async () => {
    const { body } = await tokenRequest(idp, 'a0', { grant_type: 'client_credentials' }, 'svc:svc-secret');
    const claims = decodeJwt(String(body['access_token']));
    expect(claims.exp! - claims.iat!).toBe(86400);
  });

  it('answers the device authorization at /oauth/device/code with verification_uri_complete', async () => {
    const { body } = await deviceAuthorization(idp, 'a0');
    expect(body['verification_uri_complete']).toMatch(/\/activate/);
  });

  it('publishes its signing keys with their certificates (x5c, x5t)', async () => {
    const published = await publishedCertificates(`${idp.issuer('a0')}.well-known/jwks.json`);
    expect(published.length).toBeGreaterThan(0);
    for (const { key, certificate, sha1 } of published) {
      expect(certificate.publicKey.export({ format: 'jwk' }).n).toBe(key['n']);
      expect(key['x5t']).toBe(sha1);
    }
  });

  it("addresses a user's API access token to the API and to its /userinfo (aud is an array) when openid is in the scope", async () => {
    const { accessToken } = await rawLogin(idp, 'a0api', { scope: 'openid profile' });
    expect(decodeJwt(accessToken).aud).toEqual(['https://api.shop.example/', `${mount('a0api')}/userinfo`]);
  });

  it('keeps a single audience on machine-to-machine tokens', async () => {
    const { body } = await tokenRequest(idp, 'a0', { grant_type: 'client_credentials' }, 'svc:svc-secret');
    expect(decodeJwt(String(body['access_token'])).aud).toBe('api://orders');
  });

  it('gives a login without an API audience an opaque access token, good only at /userinfo', async () => {
    const { accessToken } = await rawLogin(idp, 'a0', { scope: 'openid profile' });
    expect(accessToken.split('.')).toHaveLength(1);
    const userinfo = await fetch(`${mount('a0')}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(userinfo.status).toBe(200);
    expect(((await userinfo.json()) as { sub: string }).sub).toMatch(/^auth0\|/);
  });
});

describe('auth0 profile: token requests as Auth0 documents them', () => {
  const json = (body: unknown) =>
    fetch(`${mount('a0')}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it("takes a JSON body at /oauth/token, and gives machine-to-machine tokens Auth0's shape: sub <client>@clients, azp, gty client-credentials", async () => {
    const response = await json({ grant_type: 'client_credentials', client_id: 'svc', client_secret: 'svc-secret', audience: 'api://orders' });
    expect(response.status).toBe(200);
    const claims = decodeJwt(((await response.json()) as { access_token: string }).access_token);
    expect(claims).toMatchObject({ sub: 'svc@clients', azp: 'svc', gty: 'client-credentials', aud: 'api://orders', iss: `${mount('a0')}/` });
  });

  it('refuses a JSON body that is not an object with a 400 that says what the endpoint takes', async () => {
    for (const body of ['[1,2]', '{not json']) {
      const response = await json(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    }
  });
});
