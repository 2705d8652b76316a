import { describe, expect, it } from 'vitest';
import { ConfidentialClientApplication, CryptoProvider, PublicClientApplication, type Configuration } from '@azure/msal-node';
import { approveDevice, browserlessLogin } from '../../harness/actors/browserless-login.ts';
import { fixtureIdp, runSnippet, verifiedClaims } from './support.ts';

/*
 * @azure/msal-node with an AD FS authority, as far as MSAL supports AD FS (2019 and later):
 * authorization code, refresh, client credentials and the device code flow. MSAL knows an AD FS
 * authority by its first path segment, "adfs" (https://fs.contoso.com/adfs): the fixture's farm is
 * the tenant named adfs, so the authority is <base>/adfs/adfs.
 */

const REDIRECT_URI = 'http://127.0.0.1:8080/callback';
const idp = await fixtureIdp('adfs', (config) => {
  for (const tenant of Object.values(config.tenants)) tenant.deviceFlow = { ...tenant.deviceFlow, interval: 1 };
});
const host = new URL(idp.url).host;
const auth = (clientId: string, secret?: string): Configuration => ({
  auth: { clientId, ...(secret ? { clientSecret: secret } : {}), authority: `${idp.url}/adfs/adfs`, knownAuthorities: [host] },
});
const idTokenIssuer = `${idp.url}/adfs/adfs`;
const accessTokenIssuer = `${idp.url.replace(/^https:/, 'http:')}/adfs/adfs/services/trust`;
const jwks = `${idp.url}/adfs/adfs/discovery/keys`;

describe('@azure/msal-node, AD FS 2019 authority', () => {
  it('logs a user in with the authorization code and PKCE, and refreshes silently', async () => {
    const app = new ConfidentialClientApplication(auth('web', 'web-secret'));
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const url = await app.getAuthCodeUrl({ scopes: ['openid'], redirectUri: REDIRECT_URI, codeChallenge: challenge, codeChallengeMethod: 'S256' });
    const { params } = await browserlessLogin({ authorizationUrl: url, redirectUri: REDIRECT_URI, username: 'jsmith' });
    const result = await app.acquireTokenByCode({ code: params.get('code')!, scopes: ['openid'], redirectUri: REDIRECT_URI, codeVerifier: verifier });
    expect(result.idTokenClaims).toMatchObject({ iss: idTokenIssuer, aud: 'web', unique_name: 'CORP\\jsmith', upn: 'jsmith@corp.contoso.com' });
    await verifiedClaims(result.idToken, jwks, { issuer: idTokenIssuer, audience: 'web' });
    const silent = await app.acquireTokenSilent({ account: result.account!, scopes: ['openid'], forceRefresh: true });
    expect(silent.fromCache).toBe(false);
    expect(silent.idTokenClaims).toMatchObject({ unique_name: 'CORP\\jsmith' });
  });

  it('gets a token for a Web API with client credentials, issued by the access-token issuer', async () => {
    const app = new ConfidentialClientApplication(auth('payroll-sync', 'payroll-sync-secret'));
    const result = await app.acquireTokenByClientCredential({ scopes: ['https://payroll.contoso.com/api/.default'] });
    expect(await verifiedClaims(result!.accessToken, jwks, { issuer: accessTokenIssuer, audience: 'https://payroll.contoso.com/api' })).toMatchObject({
      appid: 'payroll-sync',
      apptype: 'Confidential',
    });
  });

  it('signs a user in on another device with the device code flow', async () => {
    const app = new PublicClientApplication(auth('tv'));
    const approvals: Promise<unknown>[] = [];
    const result = await app.acquireTokenByDeviceCode({
      scopes: ['openid'],
      deviceCodeCallback: (response) =>
        approvals.push(approveDevice({ verificationUri: response.verificationUri, userCode: response.userCode, username: 'akumar' })),
    });
    await Promise.all(approvals);
    expect(result!.idTokenClaims).toMatchObject({ iss: idTokenIssuer, aud: 'tv', upn: 'akumar@corp.contoso.com' });
  });
});

describe("the AD FS page's MSAL snippet", () => {
  it('runs as printed (node, NODE_EXTRA_CA_CERTS) and gets a token for the payroll API', async () => {
    const token = (await runSnippet('adfs.msal-node.mjs', idp)).trim().split('\n').at(-1)!;
    expect(await verifiedClaims(token, jwks, { issuer: accessTokenIssuer, audience: 'https://payroll.contoso.com/api' })).toMatchObject({
      appid: 'payroll-sync',
    });
  });
});
