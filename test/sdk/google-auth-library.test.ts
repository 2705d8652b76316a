import { describe, expect, it } from 'vitest';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { browserlessLogin } from '../../harness/actors/browserless-login.ts';
import { fixtureIdp, runSnippet } from './support.ts';

/*
 * google-auth-library's OAuth2Client against the Google profile (fixtures/profiles/google.yaml)
 * through its `endpoints` option, as a custom endpoint set is configured: the code flow with
 * PKCE (getToken), verifyIdToken with the default PEM certificates (/oauth2/v1/certs), refresh with
 * getAccessToken, getTokenInfo (/tokeninfo) and revokeToken (/revoke).
 */

const REDIRECT_URI = 'http://127.0.0.1:8080/callback';
const idp = await fixtureIdp('google');
const google = idp.issuer('google');

/** Google's endpoints (paths of the profile), as OAuth2Client's endpoints option names them. */
const ENDPOINT_PATHS = {
  oauth2AuthBaseUrl: '/o/oauth2/v2/auth',
  oauth2TokenUrl: '/token',
  oauth2RevokeUrl: '/revoke',
  tokenInfoUrl: '/tokeninfo',
  oauth2FederatedSignonPemCertsUrl: '/oauth2/v1/certs',
  oauth2FederatedSignonJwkCertsUrl: '/oauth2/v3/certs',
};

function client(): OAuth2Client {
  const endpoints = Object.fromEntries(Object.entries(ENDPOINT_PATHS).map(([name, path]) => [name, `${google}${path}`]));
  return new OAuth2Client({ clientId: 'web', clientSecret: 'web-secret', redirectUri: REDIRECT_URI, endpoints, issuers: [google] });
}

/** A user signs in (offline access, PKCE) and the client redeems the code with getToken. */
async function signIn(oauth: OAuth2Client, username: string) {
  const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
  const url = oauth.generateAuthUrl({
    access_type: 'offline',
    scope: ['openid', 'email', 'profile'],
    code_challenge_method: CodeChallengeMethod.S256,
    code_challenge: codeChallenge!,
  });
  const { params } = await browserlessLogin({ authorizationUrl: url, redirectUri: REDIRECT_URI, username });
  const { tokens } = await oauth.getToken({ code: params.get('code')!, codeVerifier });
  return tokens;
}

const pathsAsked = (path: string) => idp.journal.query({ tenant: 'google' }).filter((entry) => entry.path === `/google${path}`);

describe('google-auth-library OAuth2Client, Google profile', () => {
  it('redeems a code with getToken: an ID token, an access token and, on first offline consent, a refresh token', async () => {
    const tokens = await signIn(client(), 'kai');
    expect(tokens).toMatchObject({ id_token: expect.any(String), access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer' });
  });

  it('verifies the ID token with verifyIdToken against the PEM certificates of /oauth2/v1/certs', async () => {
    const oauth = client();
    const tokens = await signIn(oauth, 'liz');
    const ticket = await oauth.verifyIdToken({ idToken: tokens.id_token!, audience: 'web' });
    expect(ticket.getPayload()).toMatchObject({
      iss: google,
      aud: 'web',
      sub: '110248495921238986420',
      email: 'liz@altostrat.com',
      email_verified: true,
      hd: 'altostrat.com',
    });
    expect(pathsAsked('/oauth2/v1/certs').at(-1)?.status).toBe(200);
  });

  it('refuses, with verifyIdToken, an ID token addressed to another client', async () => {
    const { token } = await idp.admin.mint('google', { type: 'id_token', user: 'liz', client: 'web', audience: 'another-app' });
    await expect(client().verifyIdToken({ idToken: token, audience: 'web' })).rejects.toThrow(/Wrong recipient/);
  });

  it('refreshes with getAccessToken when it holds only a refresh token', async () => {
    const first = await signIn(client(), 'sam');
    const oauth = client();
    oauth.setCredentials({ refresh_token: first.refresh_token! });
    const { token } = await oauth.getAccessToken();
    expect(token).toBeTruthy();
    expect(token).not.toBe(first.access_token);
    expect(oauth.credentials.refresh_token).toBe(first.refresh_token);
  });

  it('describes an access token with getTokenInfo (/tokeninfo): scopes, audience, subject, e-mail and expiry', async () => {
    const oauth = client();
    const tokens = await signIn(oauth, 'liz');
    const info = await oauth.getTokenInfo(tokens.access_token!);
    expect(info).toMatchObject({ aud: 'web', azp: 'web', sub: '110248495921238986420', email: 'liz@altostrat.com', access_type: 'offline' });
    expect(info.scopes.sort()).toEqual(['email', 'openid', 'profile']);
    expect(info.expiry_date).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('revokes with revokeToken (the token alone): the access token stops working and so does the refresh token', async () => {
    const oauth = client();
    // Google gives a refresh token on a user's first offline consent to the client only: a user who has not signed in yet.
    const tokens = await signIn(oauth, 'unverified');
    const revoked = await oauth.revokeToken(tokens.access_token!);
    expect(revoked.status).toBe(200);
    await expect(oauth.getTokenInfo(tokens.access_token!)).rejects.toThrow(/invalid_token/);
    const again = client();
    again.setCredentials({ refresh_token: tokens.refresh_token! });
    await expect(again.getAccessToken()).rejects.toMatchObject({
      response: { status: 400, data: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } },
    });
  });
});

describe("the Google page's google-auth-library snippet", () => {
  it('runs as printed (node, NODE_EXTRA_CA_CERTS) and verifies a minted ID token', async () => {
    const payload = JSON.parse((await runSnippet('google.google-auth-library.mjs', idp)).trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: google, aud: 'web', sub: '110248495921238986420', email: 'liz@altostrat.com' });
  });
});
