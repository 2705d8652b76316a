import { describe, expect, it } from 'vitest';
import OktaJwtVerifier from '@okta/jwt-verifier';
import * as oidc from 'openid-client';
import { loginWithCode } from '../support/idp.ts';
import { chromiumTrusting, startSpa } from './browser-app.ts';
import { fixtureIdp, runSnippet } from './support.ts';

/*
 * Okta's SDKs against the Okta profile (fixtures/profiles/okta.yaml, custom authorization server
 * "default"), over https with their default checks (no testing.disableHttpsCheck):
 * @okta/jwt-verifier for access and ID tokens in Node, @okta/okta-auth-js for a PKCE login in Chromium.
 */

// The page is served before the IdP starts (the IdP needs the page's redirect URI); it reads the issuer when asked.
let issuer = '';
const spa = await startSpa(
  () => `<!doctype html><html><body><pre id="out"></pre>
<script src="/sdk/okta-auth-js.min.js"></script>
<script>
(async () => {
  const authClient = new OktaAuth({ issuer: ${JSON.stringify(issuer)}, clientId: 'spa', redirectUri: location.origin + '/callback', scopes: ['openid', 'profile', 'email', 'offline_access'], pkce: true });
  try {
    if (authClient.isLoginRedirect()) {
      const { tokens } = await authClient.token.parseFromUrl();
      window.result = { idClaims: tokens.idToken.claims, accessClaims: authClient.token.decode(tokens.accessToken.accessToken).payload, refreshToken: Boolean(tokens.refreshToken) };
    } else {
      await authClient.token.getWithRedirect();
    }
  } catch (error) {
    window.result = { error: String(error && (error.errorSummary || error.message || error)) };
  }
})();
</script></body></html>`,
  { '/sdk/okta-auth-js.min.js': 'node_modules/@okta/okta-auth-js/dist/okta-auth-js.min.js' },
);
const idp = await fixtureIdp('okta', (config) => {
  config.tenants['okta']!.clients['spa']!.redirectUris = [`${spa.origin}/callback`];
});
issuer = idp.issuer('okta');
const REDIRECT_URI = 'http://127.0.0.1:8080/callback';

describe('@okta/jwt-verifier, Okta custom authorization server', () => {
  const verifier = new OktaJwtVerifier({ issuer });

  it('verifies an access token (client credentials) for its audience, with cid and scp', async () => {
    const rp = await oidc.discovery(new URL(issuer), 'service', undefined, oidc.ClientSecretBasic('service-secret'));
    const { access_token } = await oidc.clientCredentialsGrant(rp);
    const jwt = await verifier.verifyAccessToken(access_token, 'api://default');
    expect(jwt.claims).toMatchObject({ iss: issuer, aud: 'api://default', cid: 'service', ver: 1 });
    await expect(verifier.verifyAccessToken(access_token, 'api://other')).rejects.toThrow(/audience/);
  });

  it("verifies a user's access token and ID token (client id, nonce) from the code flow", async () => {
    const rp = await oidc.discovery(new URL(issuer), 'web', undefined, oidc.ClientSecretBasic('web-secret'));
    const { tokens, nonce } = await loginWithCode(rp, { username: 'isabella', redirectUri: REDIRECT_URI, scope: 'openid profile email' });
    const access = await verifier.verifyAccessToken(tokens.access_token, 'api://default');
    expect(access.claims).toMatchObject({ uid: '00u1ab2cd3EF4gh5ij6k', cid: 'web', scp: expect.arrayContaining(['openid', 'profile', 'email']) });
    const id = await verifier.verifyIdToken(tokens.id_token!, 'web', nonce);
    expect(id.claims).toMatchObject({ sub: '00u1ab2cd3EF4gh5ij6k', email: 'isabella.rossi@example.org', aud: 'web', iss: issuer });
    await expect(verifier.verifyIdToken(tokens.id_token!, 'web', 'another-nonce')).rejects.toThrow(/nonce/);
  });
});

describe('@okta/okta-auth-js in Chromium, Okta custom authorization server', () => {
  it('logs a user in with PKCE: getWithRedirect, the login page, parseFromUrl (ID token signature checked by the SDK)', async () => {
    const browser = await chromiumTrusting(idp);
    const page = await browser.newPage();
    await page.goto(spa.origin);
    await page.getByLabel('User name').fill('noah');
    await page.getByLabel('Password').fill('noah');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 15_000 });
    const result = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as Record<string, unknown>;
    expect(result).toMatchObject({
      idClaims: { sub: '00u7lm8no9PQ0rs1tu2v', aud: 'spa', iss: issuer },
      accessClaims: { cid: 'spa', uid: '00u7lm8no9PQ0rs1tu2v' },
      refreshToken: true,
    });
  });
});

describe("the Okta page's jwt-verifier snippet", () => {
  it('runs as printed (node, NODE_EXTRA_CA_CERTS) and verifies the access token', async () => {
    const claims = JSON.parse((await runSnippet('okta.jwt-verifier.mjs', idp)).trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: issuer, aud: 'api://default', cid: 'service' });
  });
});
