import { decodeJwt } from 'jose';
import { parse as parseHtml } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { readForms, type UserAgent } from '../../harness/actors/user-agent.ts';
import { defaultTenant } from '../../mock-idp/index.ts';
import { codeLogin } from '../support/code-login.ts';
import { startTestIdp } from '../support/idp.ts';

/* OpenID Front-Channel Logout 1.0, which the IdP adds to oidc-provider: the page after a logout. */

const REDIRECT_URI = 'http://127.0.0.1:8080/callback';
const AFTER = 'http://127.0.0.1:8080/logged-out';
const front = {
  redirectUris: [REDIRECT_URI],
  postLogoutRedirectUris: [AFTER],
  authMethod: 'none' as const,
  frontchannelLogoutUri: 'http://127.0.0.1:8080/fc?from=idp',
  frontchannelLogoutSessionRequired: true,
};
const plain = { redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [AFTER], authMethod: 'none' as const };
const idp = await startTestIdp({ tenants: { default: { ...defaultTenant, clients: { ...defaultTenant.clients, front, plain } } } });
const issuer = idp.issuer('default');

async function login(client: string): Promise<{ idToken: string; userAgent: UserAgent }> {
  const { tokens, userAgent } = await codeLogin(issuer, { client, redirectUri: REDIRECT_URI });
  return { idToken: tokens.id_token!, userAgent };
}

async function logout(userAgent: UserAgent, client: string, idToken: string) {
  const page = await userAgent.follow(
    `${issuer}/session/end?${new URLSearchParams({ id_token_hint: idToken, client_id: client, post_logout_redirect_uri: AFTER, state: 'bye' })}`,
  );
  const form = readForms(await page.response.text(), page.url).find((candidate) => 'xsrf' in candidate.fields)!;
  return userAgent.request(form.action, { form: { ...form.fields, logout: 'yes' } });
}

describe('front-channel logout', () => {
  it("answers the confirmation with a page that loads the client's front-channel URI with iss and the sid of its ID token, then goes on to the post-logout URI", async () => {
    const { idToken, userAgent } = await login('front');
    const response = await logout(userAgent, 'front', idToken);
    expect(response.status).toBe(200);
    const root = parseHtml(await response.text());
    const frame = new URL(root.querySelector('iframe')!.getAttribute('src')!);
    expect(Object.fromEntries(frame.searchParams)).toEqual({ from: 'idp', iss: issuer, sid: decodeJwt(idToken)['sid'] });
    expect(root.querySelector('a#continue')!.getAttribute('href')).toBe(`${AFTER}?state=bye`);
  });

  it('leaves the logout of a client without a front-channel URI a plain redirect', async () => {
    const { idToken, userAgent } = await login('plain');
    const response = await logout(userAgent, 'plain', idToken);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${AFTER}?state=bye`);
  });
});
