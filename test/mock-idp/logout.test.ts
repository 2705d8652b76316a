import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';
import { UserAgent, readForms } from '../../harness/actors/user-agent.ts';
import { browserlessLogin } from '../../harness/actors/browserless-login.ts';

const idp = await startTestIdp();
const issuer = idp.issuer();

describe('RP-initiated logout', () => {
  it('ends the session after the user confirms, and redirects to the registered post-logout URI with the state', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const ua = new UserAgent();
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: 'http://127.0.0.1:8080/callback',
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { callbackUrl } = await browserlessLogin({
      authorizationUrl: url.toString(),
      redirectUri: 'http://127.0.0.1:8080/callback',
      username: 'alice',
      userAgent: ua,
    });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(callbackUrl), { pkceCodeVerifier: verifier });

    const endSession = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:8080/', state: 'bye' });
    const page = await ua.request(endSession.toString());
    const html = await page.text();
    const form = readForms(html, page.url).find((candidate) => candidate.id === 'op.logoutForm')!;
    const confirmed = await ua.follow(form.action, { form: { ...form.fields, logout: 'yes' } }, { stop: (next) => next.startsWith('http://127.0.0.1:8080/') });
    expect(confirmed.stoppedAt).toBe('http://127.0.0.1:8080/?state=bye');

    // The session is gone: a new authorization request asks for a login again.
    const again = await ua.request(url.toString());
    expect(again.headers.get('location')).toMatch(/\/interaction\//);
  });

  it("kills a user's refresh tokens when an admin revokes their sessions and grants", async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'bob' });
    await idp.admin.revokeSessions('default', { user: 'bob' });
    await idp.admin.revokeGrants('default', { user: 'bob' });
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
