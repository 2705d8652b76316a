import { describe, expect, it } from 'vitest';
import { ConfidentialClientApplication, CryptoProvider, PublicClientApplication, type AuthenticationResult, type Configuration } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { approveDevice, browserlessLogin } from '../../harness/actors/browserless-login.ts';
import type { MockIdp } from '../../mock-idp/index.ts';
import { fixtureIdp, runSnippet, verifiedClaims } from './support.ts';

/*
 * @azure/msal-node against the Entra profile (fixtures/profiles/entra.yaml), configured as
 * Microsoft documents for an authority MSAL does not know: `knownAuthorities` names its host (no
 * instance discovery at login.microsoftonline.com). https, MSAL's defaults otherwise.
 */

const TENANT_ID = '3f6c2b1a-5d4e-4c7b-9a8f-1e2d3c4b5a69';
const REDIRECT_URI = 'http://127.0.0.1:8080/callback';
const idp = await fixtureIdp('entra', (config) => {
  // MSAL polls the device flow at the announced interval, in real time.
  for (const tenant of Object.values(config.tenants)) tenant.deviceFlow = { ...tenant.deviceFlow, interval: 1 };
});
const host = new URL(idp.url).host;

interface Authority {
  title: string;
  /** Tenant of the fixture (its mount). */
  tenant: string;
  /** The authority's last path segment: the directory id, organizations or common. */
  segment: string;
  version: 'v2' | 'v1';
}

const AUTHORITIES: Authority[] = [
  { title: 'v2, tenant authority', tenant: 'contoso', segment: TENANT_ID, version: 'v2' },
  { title: 'v2, organizations authority', tenant: 'organizations', segment: 'organizations', version: 'v2' },
  { title: 'v2, common authority', tenant: 'common', segment: 'common', version: 'v2' },
  { title: 'v1 tokens, tenant authority', tenant: 'legacy', segment: TENANT_ID, version: 'v1' },
];

function auth(authority: Authority, clientId: string, secret?: string): Configuration {
  return {
    auth: { clientId, ...(secret ? { clientSecret: secret } : {}), authority: `${idp.url}/${authority.tenant}/${authority.segment}`, knownAuthorities: [host] },
  };
}

const issuerOf = (authority: Authority) =>
  authority.version === 'v2' ? `${idp.url}/${authority.tenant}/${TENANT_ID}/v2.0` : `${idp.url}/${authority.tenant}/${TENANT_ID}/`;
const jwksOf = (authority: Authority) => `${idp.url}/${authority.tenant}/discovery/${authority.version === 'v2' ? 'v2.0/' : ''}keys`;

async function codeLogin(authority: Authority, username: string): Promise<{ app: ConfidentialClientApplication; result: AuthenticationResult }> {
  const app = new ConfidentialClientApplication(auth(authority, 'web', 'web-secret'));
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const url = await app.getAuthCodeUrl({ scopes: ['User.Read'], redirectUri: REDIRECT_URI, codeChallenge: challenge, codeChallengeMethod: 'S256' });
  const { params } = await browserlessLogin({ authorizationUrl: url, redirectUri: REDIRECT_URI, username });
  const code = params.get('code');
  if (!code) throw new Error(`no code: ${params.toString()}`);
  const result = await app.acquireTokenByCode({ code, scopes: ['User.Read'], redirectUri: REDIRECT_URI, codeVerifier: verifier });
  return { app, result };
}

function refreshes(server: MockIdp, tenant: string, since: number): number {
  return server.journal
    .query({ tenant })
    .filter((entry) => entry.seq > since && entry.endpoint === 'token' && entry.grantType === 'refresh_token' && entry.status === 200).length;
}

for (const authority of AUTHORITIES) {
  describe(`@azure/msal-node, Entra ${authority.title}`, () => {
    // MSAL itself refuses client credentials on a multi-tenant authority (missing_tenant_id_error), as Entra would.
    if (authority.segment === TENANT_ID) {
      it('gets an app-only access token with client credentials (/.default scope)', async () => {
        const app = new ConfidentialClientApplication(auth(authority, 'api-daemon', 'daemon-secret'));
        const result = await app.acquireTokenByClientCredential({ scopes: ['api://contoso-expenses/.default'] });
        const claims = await verifiedClaims(result!.accessToken, jwksOf(authority), { issuer: issuerOf(authority), audience: 'api://contoso-expenses' });
        expect(claims).toMatchObject({
          roles: ['Expenses.Read.All'],
          ...(authority.version === 'v2' ? { azp: 'api-daemon', ver: '2.0' } : { appid: 'api-daemon', ver: '1.0' }),
        });
      });
    }

    it('logs a user in with the authorization code and PKCE (getAuthCodeUrl, the login pages, acquireTokenByCode): idTokenClaims carry oid and tid', async () => {
      const { result } = await codeLogin(authority, 'adele');
      expect(result.idTokenClaims).toMatchObject({ oid: '6e03c2e4-3b0c-4f3d-9f5b-0c8d0a1b2c3d', tid: TENANT_ID, iss: issuerOf(authority), aud: 'web' });
      expect(result.account).toMatchObject({
        homeAccountId: `6e03c2e4-3b0c-4f3d-9f5b-0c8d0a1b2c3d.${TENANT_ID}`,
        tenantId: TENANT_ID,
        username: 'AdeleV@contoso.onmicrosoft.com',
      });
      await verifiedClaims(result.idToken, jwksOf(authority), { issuer: issuerOf(authority), audience: 'web' });
    });

    it('refreshes silently with the cached refresh token (acquireTokenSilent)', async () => {
      const { app, result } = await codeLogin(authority, 'megan');
      const before = idp.journal.query({ tenant: authority.tenant }).at(-1)?.seq ?? 0;
      const silent = await app.acquireTokenSilent({ account: result.account!, scopes: ['User.Read'], forceRefresh: true });
      expect(silent.fromCache).toBe(false);
      expect(silent.accessToken).not.toBe(result.accessToken);
      expect(silent.idTokenClaims).toMatchObject({ oid: result.idTokenClaims['oid' as never], tid: TENANT_ID });
      expect(refreshes(idp, authority.tenant, before)).toBe(1);
    });

    it('signs a user in on another device with the device code flow', async () => {
      const app = new PublicClientApplication(auth(authority, 'tv'));
      const approvals: Promise<unknown>[] = [];
      const result = await app.acquireTokenByDeviceCode({
        scopes: ['User.Read'],
        deviceCodeCallback: (response) => {
          expect(response.message).toContain(response.userCode);
          approvals.push(approveDevice({ verificationUri: response.verificationUri, userCode: response.userCode, username: 'megan' }));
        },
      });
      await Promise.all(approvals);
      expect(result!.idTokenClaims).toMatchObject({ tid: TENANT_ID, aud: 'tv', oid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(decodeJwt(result!.idToken).iss).toBe(issuerOf(authority));
    });
  });
}

describe("the Entra page's MSAL snippet", () => {
  it('runs as printed (node, NODE_EXTRA_CA_CERTS) and gets a token the IdP signed for the API', async () => {
    const output = await runSnippet('entra.msal-node.mjs', idp);
    const token = output.trim().split('\n').at(-1)!;
    const authority = AUTHORITIES[0]!;
    expect(await verifiedClaims(token, jwksOf(authority), { issuer: issuerOf(authority), audience: 'api://contoso-expenses' })).toMatchObject({
      roles: ['Expenses.Read.All'],
    });
  });
});
