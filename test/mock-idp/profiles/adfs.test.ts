import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { deviceAuthorization, discovery, profiledTenant, publishedCertificates, rawLogin, tokenRequest } from './support.ts';

const idp = await startTestIdp({
  tenants: { fs: profiledTenant({ name: 'adfs', domain: 'corp.test' }), fs2016: profiledTenant({ name: 'adfs', version: '2016' }) },
});
const mount = (tenant: string) => `${idp.url}/${tenant}`;

describe('adfs profile', () => {
  it('publishes /adfs discovery with access_token_issuer, microsoft_multi_refresh_token and /adfs/oauth2 endpoints', async () => {
    const doc = await discovery(idp, 'fs');
    expect(doc.issuer).toBe(`${mount('fs')}/adfs`);
    expect(doc['access_token_issuer']).toBe(`${mount('fs')}/adfs/services/trust`);
    expect(doc['microsoft_multi_refresh_token']).toBe(true);
    expect(doc.token_endpoint).toBe(`${mount('fs')}/adfs/oauth2/token`);
  });

  it('issues ID tokens from /adfs and access tokens from /adfs/services/trust', async () => {
    const rp = await relyingParty(idp.issuer('fs'), 'web', { secret: 'web-secret' });
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    expect(tokens.claims()!.iss).toBe(`${mount('fs')}/adfs`);
    const { body } = await tokenRequest(idp, 'fs', { grant_type: 'client_credentials' }, 'svc:svc-secret');
    expect(decodeJwt(String(body['access_token'])).iss).toBe(`${mount('fs')}/adfs/services/trust`);
  });

  it('puts unique_name and upn in ID tokens, and a group claim', async () => {
    const { idToken } = await rawLogin(idp, 'fs');
    expect(idToken).toMatchObject({ unique_name: 'CORP\\alice', upn: 'alice@corp.test', group: ['admins', 'developers'] });
  });

  it('answers userinfo with the subject only', async () => {
    const login = await rawLogin(idp, 'fs');
    const userinfo = (await (await fetch(`${mount('fs')}/adfs/userinfo`, { headers: { authorization: `Bearer ${login.accessToken}` } })).json()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(userinfo)).toEqual(['sub']);
  });

  it('answers errors with MSIS codes in error_description, trailing space included', async () => {
    const { body } = await tokenRequest(
      idp,
      'fs',
      { grant_type: 'authorization_code', code: 'nope', redirect_uri: 'http://127.0.0.1:8080/callback' },
      'web:web-secret',
    );
    expect(body).toEqual({ error: 'invalid_grant', error_description: "MSIS9612: The authorization code received in 'code' parameter is invalid. " });
  });

  it('does not rotate refresh tokens', async () => {
    const login = await rawLogin(idp, 'fs', { scope: 'openid offline_access', extra: { prompt: 'consent' } });
    const first = String(login.body['refresh_token']);
    const refreshed = await tokenRequest(idp, 'fs', { grant_type: 'refresh_token', refresh_token: first }, 'web:web-secret');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['refresh_token'] ?? first).toBe(first);
  });

  it('2016 has no device authorization endpoint', async () => {
    const doc = await discovery(idp, 'fs2016');
    expect(doc).not.toHaveProperty('device_authorization_endpoint');
    expect((await fetch(`${mount('fs2016')}/adfs/oauth2/devicecode`, { method: 'POST' })).status).toBe(404);
    expect((await deviceAuthorization(idp, 'fs')).status).toBe(200);
  });

  it('publishes the token-signing certificate in x5c, named after the host, with its thumbprint as x5t and kid', async () => {
    const published = await publishedCertificates(String((await discovery(idp, 'fs'))['jwks_uri']));
    expect(published.length).toBeGreaterThan(0);
    for (const { key, certificate, sha1 } of published) {
      expect(certificate.subject).toBe('CN=ADFS Signing - 127.0.0.1');
      expect(certificate.publicKey.export({ format: 'jwk' }).n).toBe(key['n']);
      expect(key['x5t']).toBe(sha1);
      expect(key['kid']).toBe(sha1);
    }
  });
});
