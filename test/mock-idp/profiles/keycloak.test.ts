import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { deviceAuthorization, discovery, profiledTenant, publishedCertificates, rawLogin, tokenRequest } from './support.ts';

const idp = await startTestIdp({
  tenants: { kc: profiledTenant({ name: 'keycloak', realm: 'acme' }), kc16: profiledTenant({ name: 'keycloak', realm: 'acme', legacyAuthPath: true }) },
});
const mount = (tenant: string) => `${idp.url}/${tenant}`;

describe('keycloak profile', () => {
  it('has the realm issuer and /protocol/openid-connect endpoints', async () => {
    const doc = await discovery(idp, 'kc');
    expect(doc.issuer).toBe(`${mount('kc')}/realms/acme`);
    expect(doc.token_endpoint).toBe(`${mount('kc')}/realms/acme/protocol/openid-connect/token`);
    expect(doc['jwks_uri']).toBe(`${mount('kc')}/realms/acme/protocol/openid-connect/certs`);
  });

  it('with the legacy path, everything lives under /auth/realms', async () => {
    const doc = await discovery(idp, 'kc16');
    expect(doc.issuer).toBe(`${mount('kc16')}/auth/realms/acme`);
    expect(doc.token_endpoint).toBe(`${mount('kc16')}/auth/realms/acme/protocol/openid-connect/token`);
  });

  it('lets openid-client log in; ID tokens are typ ID with realm roles', async () => {
    const rp = await relyingParty(idp.issuer('kc'), 'web', { secret: 'web-secret' });
    const claims = (await loginWithCode(rp, { username: 'alice' })).tokens.claims()!;
    expect(claims['typ']).toBe('ID');
    expect(claims['realm_access']).toEqual({ roles: ['offline_access', 'uma_authorization'] });
  });

  it('issues 5-minute Bearer access tokens with realm_access, resource_access and azp', async () => {
    const { body } = await tokenRequest(idp, 'kc', { grant_type: 'client_credentials' }, 'svc:svc-secret');
    const claims = decodeJwt(String(body['access_token']));
    expect(claims).toMatchObject({
      typ: 'Bearer',
      azp: 'svc',
      realm_access: { roles: expect.arrayContaining(['offline_access']) },
      resource_access: { account: { roles: ['manage-account', 'view-profile'] } },
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect((await rawLogin(idp, 'kc')).body['expires_in']).toBe(300);
  });

  it('serves device authorization at /protocol/openid-connect/auth/device with the realm device page', async () => {
    const { body } = await deviceAuthorization(idp, 'kc');
    expect(body['verification_uri']).toBe(`${mount('kc')}/realms/acme/device`);
  });

  it('publishes each realm key with a certificate named after the realm, x5t and x5t#S256', async () => {
    const published = await publishedCertificates(String((await discovery(idp, 'kc'))['jwks_uri']));
    expect(published.length).toBeGreaterThan(0);
    for (const { key, certificate, sha1, sha256 } of published) {
      expect(certificate.subject).toBe('CN=acme');
      expect(certificate.publicKey.export({ format: 'jwk' }).n).toBe(key['n']);
      expect(key['x5t']).toBe(sha1);
      expect(key['x5t#S256']).toBe(sha256);
    }
  });

  it("answers the path style of the other Keycloak generation with RESTEasy's 404 (a client configured for Keycloak 17+ against 16, and back)", async () => {
    const legacyUrl = `${mount('kc16')}/realms/acme/.well-known/openid-configuration`;
    const legacy = await fetch(legacyUrl);
    expect(legacy.status).toBe(404);
    expect(await legacy.json()).toEqual({ error: `RESTEASY003210: Could not find resource for full path: ${legacyUrl}` });
    const currentUrl = `${mount('kc')}/auth/realms/acme/protocol/openid-connect/token`;
    const current = await fetch(currentUrl, { method: 'POST' });
    expect(current.status).toBe(404);
    expect(await current.json()).toEqual({ error: `RESTEASY003210: Could not find resource for full path: ${currentUrl}` });
  });

  it('answers a realm it does not have with "Realm does not exist"', async () => {
    const response = await fetch(`${mount('kc')}/realms/shop/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Realm does not exist' });
  });
});

describe('keycloak profile: what keycloak-js relies on', () => {
  const oidcBase = () => `${mount('kc')}/realms/acme/protocol/openid-connect`;

  it("hands out JWT refresh tokens (typ Refresh, the session's sid) that refresh, and a JWT it did not sign is refused", async () => {
    const login = await rawLogin(idp, 'kc', { scope: 'openid' });
    const refreshToken = String(login.body['refresh_token']);
    expect(decodeJwt(refreshToken)).toMatchObject({ typ: 'Refresh', iss: `${mount('kc')}/realms/acme`, azp: 'web', sid: decodeJwt(login.accessToken)['sid'] });
    const refreshed = await tokenRequest(idp, 'kc', { grant_type: 'refresh_token', refresh_token: refreshToken }, 'web:web-secret');
    expect(refreshed.status).toBe(200);
    const forged = refreshToken.replace(/\.[^.]+$/, '.AAAA');
    expect((await tokenRequest(idp, 'kc', { grant_type: 'refresh_token', refresh_token: forged }, 'web:web-secret')).body['error']).toBe('invalid_grant');
  });

  it('gives access tokens of clients without an audience aud "account", as JWTs with the session id in sid', async () => {
    const login = await rawLogin(idp, 'kc', { scope: 'openid' });
    expect(decodeJwt(login.accessToken)).toMatchObject({ aud: 'account', typ: 'Bearer', sid: expect.any(String) });
  });

  it('serves the third-party-cookie check pages and the login-status iframe, script-only pages any app may frame', async () => {
    for (const page of ['3p-cookies/step1.html', '3p-cookies/step2.html', 'login-status-iframe.html']) {
      const response = await fetch(`${oidcBase()}/${page}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toMatch(
        /^default-src 'none'; script-src 'sha256-[^']+'; connect-src 'self'; frame-ancestors \*$/,
      );
      expect(response.headers.get('x-frame-options')).toBeNull();
      expect(await response.text()).toContain('<script>');
    }
  });

  it("lets the login-status iframe start for an origin of the client's redirect URIs only", async () => {
    const init = (clientId: string, origin: string) =>
      fetch(`${oidcBase()}/login-status-iframe.html/init?client_id=${clientId}&origin=${encodeURIComponent(origin)}`);
    expect((await init('web', 'http://127.0.0.1:8080')).status).toBe(204);
    expect((await init('web', 'https://evil.example')).status).toBe(403);
    expect((await init('nobody', 'http://127.0.0.1:8080')).status).toBe(403);
  });

  it('sets KEYCLOAK_SESSION (realm/user/session, readable by scripts) when the login completes', async () => {
    const { userAgent } = await (await import('../../../harness/actors/browserless-login.ts')).browserlessLogin({
      authorizationUrl: `${oidcBase()}/auth?client_id=web&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://127.0.0.1:8080/callback')}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256`,
      redirectUri: 'http://127.0.0.1:8080/callback',
      username: 'alice',
    });
    const cookies = await userAgent.jar.getCookies(`${mount('kc')}/realms/acme/`);
    const session = cookies.find((cookie) => cookie.key === 'KEYCLOAK_SESSION');
    expect(session?.value).toMatch(/^acme\/alice\/[\w-]+$/);
    expect(session?.httpOnly).toBe(false);
  });
});
