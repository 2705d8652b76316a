import { createRemoteJWKSet, decodeJwt, importX509, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { MSA_TENANT } from '../../../mock-idp/profiles/entra.ts';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { deviceAuthorization, discovery, profiledTenant, publishedCertificates, rawLogin, tokenRequest } from './support.ts';

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const idp = await startTestIdp({
  tenants: {
    contoso: profiledTenant({ name: 'entra', audience: 'tenant', tenantId: TENANT_ID, groupsOverageLimit: 1 }),
    common: profiledTenant({ name: 'entra', audience: 'common', tenantId: TENANT_ID }),
    consumers: profiledTenant({ name: 'entra', audience: 'consumers' }),
    legacy: profiledTenant({ name: 'entra', version: 'v1', tenantId: TENANT_ID }),
  },
});
const mount = (tenant: string) => `${idp.url}/${tenant}`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('entra profile (v2, one tenant)', () => {
  it('issues tokens from https://login.../{tid}/v2.0-shaped issuers with /oauth2/v2.0 endpoints', async () => {
    const doc = await discovery(idp, 'contoso');
    expect(doc.issuer).toBe(`${mount('contoso')}/${TENANT_ID}/v2.0`);
    expect(doc.token_endpoint).toBe(`${mount('contoso')}/oauth2/v2.0/token`);
    expect(doc['jwks_uri']).toBe(`${mount('contoso')}/discovery/v2.0/keys`);
    expect(doc['device_authorization_endpoint']).toBe(`${mount('contoso')}/oauth2/v2.0/devicecode`);
  });

  it('lets openid-client log in and gives oid, tid, ver 2.0 and preferred_username', async () => {
    const rp = await relyingParty(idp.issuer('contoso'), 'web', { secret: 'web-secret' });
    const claims = (await loginWithCode(rp, { username: 'bob' })).tokens.claims()!;
    expect(claims.iss).toBe(`${mount('contoso')}/${TENANT_ID}/v2.0`);
    expect(claims['tid']).toBe(TENANT_ID);
    expect(claims['oid']).toMatch(GUID);
    expect(claims['ver']).toBe('2.0');
    expect(claims['preferred_username']).toBe('bob@gmail.test');
  });

  it('gives the same oid for the same user every time', async () => {
    expect((await rawLogin(idp, 'contoso', { username: 'bob' })).idToken['oid']).toBe((await rawLogin(idp, 'contoso', { username: 'bob' })).idToken['oid']);
  });

  it('leaves at_hash and c_hash out of ID tokens from the token endpoint', async () => {
    const { idToken } = await rawLogin(idp, 'contoso', { username: 'bob' });
    expect(idToken).not.toHaveProperty('at_hash');
    expect(idToken).not.toHaveProperty('c_hash');
  });

  it('replaces groups over the overage limit with _claim_names and _claim_sources, and sends object GUIDs otherwise', async () => {
    const alice = (await rawLogin(idp, 'contoso', { username: 'alice' })).idToken;
    expect(alice['groups']).toBeUndefined();
    expect(alice['_claim_names']).toEqual({ groups: 'src1' });
    const consumer = (await rawLogin(idp, 'consumers', { username: 'alice' })).idToken;
    expect((consumer['groups'] as string[]).every((group) => GUID.test(group))).toBe(true);
  });

  it('publishes each JWKS key with the issuer, and x5c, a self-signed certificate of that key, whose SHA-1 thumbprint is x5t and kid', async () => {
    const published = await publishedCertificates(`${mount('contoso')}/discovery/v2.0/keys`);
    expect(published.length).toBeGreaterThan(0);
    for (const { key, certificate, sha1 } of published) {
      expect(key['issuer']).toBe(`${mount('contoso')}/${TENANT_ID}/v2.0`);
      expect(certificate.subject).toBe('CN=accounts.accesscontrol.windows.net');
      expect(certificate.verify(certificate.publicKey)).toBe(true);
      expect(certificate.publicKey.export({ format: 'jwk' }).n).toBe(key['n']);
      expect(key['x5t']).toBe(sha1);
      expect(key['kid']).toBe(sha1);
    }
  });

  it('lets a client that trusts the x5c certificate (not the JWK) verify the ID token', async () => {
    const { body, idHeader } = await rawLogin(idp, 'contoso', { username: 'bob' });
    const published = await publishedCertificates(`${mount('contoso')}/discovery/v2.0/keys`);
    const signer = published.find(({ key }) => key['kid'] === idHeader['kid'])!;
    const key = await importX509(signer.certificate.toString(), 'RS256');
    await expect(jwtVerify(String(body['id_token']), key, { issuer: `${mount('contoso')}/${TENANT_ID}/v2.0`, audience: 'web' })).resolves.toBeDefined();
  });

  it('answers errors in the AADSTS envelope', async () => {
    const { status, body } = await tokenRequest(
      idp,
      'contoso',
      { grant_type: 'authorization_code', code: 'nope', redirect_uri: 'http://127.0.0.1:8080/callback' },
      'web:web-secret',
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: 'invalid_grant',
      error_codes: [70008],
      trace_id: expect.stringMatching(GUID),
      correlation_id: expect.stringMatching(GUID),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
    });
    expect(body['error_description']).toMatch(/^AADSTS70008: .*\r\nTrace ID: .*\r\nCorrelation ID: .*\r\nTimestamp: /s);
  });

  it('answers the device authorization with a message, a 15-minute lifetime and no verification_uri_complete', async () => {
    const { body } = await deviceAuthorization(idp, 'contoso');
    expect(body['message']).toMatch(/enter the code .+ to authenticate/);
    expect(body['expires_in']).toBe(900);
    expect(body).not.toHaveProperty('verification_uri_complete');
    expect(body['verification_uri']).toBe(`${mount('contoso')}/devicelogin`);
  });

  it('marks client credentials tokens with azp and ver 2.0', async () => {
    const { body } = await tokenRequest(idp, 'contoso', { grant_type: 'client_credentials' }, 'svc:svc-secret');
    expect(decodeJwt(String(body['access_token']))).toMatchObject({ azp: 'svc', ver: '2.0', iss: `${mount('contoso')}/${TENANT_ID}/v2.0` });
  });
});

describe('entra profile (common authority)', () => {
  it('serves the literal {tenantid} placeholder as its discovery issuer, which a strict client refuses', async () => {
    const doc = await discovery(idp, 'common');
    expect(doc.issuer).toBe(`${mount('common')}/{tenantid}/v2.0`);
    await expect(
      oidc.discovery(new URL(idp.issuer('common')), 'web', {}, oidc.ClientSecretBasic('web-secret'), { execute: [oidc.allowInsecureRequests] }),
    ).rejects.toThrow(/issuer/);
  });

  it("lets a client that substitutes the token's tid into the placeholder validate the issuer", async () => {
    const doc = await discovery(idp, 'common');
    const { body } = await rawLogin(idp, 'common');
    const token = String(body['id_token']);
    const tid = String(decodeJwt(token)['tid']);
    const expected = doc.issuer.replace('{tenantid}', tid);
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(String(doc['jwks_uri']))), { issuer: expected, audience: 'web' })).resolves.toBeDefined();
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(String(doc['jwks_uri']))), { issuer: doc.issuer, audience: 'web' })).rejects.toThrow(/iss/);
  });
});

describe('entra profile (consumers and v1)', () => {
  it('gives personal accounts the Microsoft account tenant id', async () => {
    expect((await rawLogin(idp, 'consumers')).idToken['tid']).toBe(MSA_TENANT);
  });

  it('v1: issuer with a trailing slash, ver 1.0, unique_name instead of preferred_username, x5t in the header, /oauth2 endpoints', async () => {
    const doc = await discovery(idp, 'legacy');
    expect(doc.token_endpoint).toBe(`${mount('legacy')}/oauth2/token`);
    const { idToken, idHeader } = await rawLogin(idp, 'legacy', { username: 'bob' });
    expect(idToken['iss']).toBe(`${mount('legacy')}/${TENANT_ID}/`);
    expect(idToken['ver']).toBe('1.0');
    expect(idToken['unique_name']).toBe('bob@gmail.test');
    expect(idToken).not.toHaveProperty('preferred_username');
    expect(idHeader['x5t']).toBe(idHeader['kid']);
  });

  it("v1: the x5t in the token header is the SHA-1 thumbprint of the signing key's certificate in the JWKS", async () => {
    const doc = await discovery(idp, 'legacy');
    const { idHeader } = await rawLogin(idp, 'legacy', { username: 'bob' });
    const published = await publishedCertificates(String(doc['jwks_uri']));
    expect(published.find(({ key }) => key['kid'] === idHeader['kid'])?.sha1).toBe(idHeader['x5t']);
  });
});
