import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { UserAgent } from '../../harness/actors/user-agent.ts';
import { loginWithCode, relyingParty, startTestIdp } from '../support/idp.ts';

/*
 * offline_access as Entra, Okta and Auth0 treat it (their SDKs never send prompt=consent), and
 * refreshes that repeat scopes the IdP does not know (MSAL repeats "User.Read").
 */

const REDIRECT = 'http://127.0.0.1:8080/callback';
const idp = await startTestIdp({
  tenants: {
    default: {
      refreshTokens: { requireOfflineAccess: true },
      users: { alice: { email: 'alice@example.test' } },
      clients: { web: { secret: 'web-secret', redirectUris: [REDIRECT], grants: ['authorization_code', 'refresh_token'] } },
    },
  },
});
const issuer = idp.issuer('default');

/** The prompts a fresh browser meets on the way from an authorization URL back to the client. */
async function promptsOnTheWay(query: Record<string, string>): Promise<string[]> {
  const ua = new UserAgent();
  const url = new URL(`${issuer}/auth`);
  for (const [key, value] of Object.entries({
    client_id: 'web',
    response_type: 'code',
    redirect_uri: REDIRECT,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...query,
  }))
    url.searchParams.set(key, value);
  const prompts: string[] = [];
  let next = url.toString();
  for (let round = 0; round < 4; round += 1) {
    const { stoppedAt } = await ua.follow(next, {}, { stop: (at) => at.startsWith(REDIRECT) || at.includes('/interaction/') });
    if (!stoppedAt || stoppedAt.startsWith(REDIRECT)) return prompts;
    const described = (await (await ua.request(stoppedAt, { headers: { accept: 'application/json' } })).json()) as {
      prompt: string;
      actions: { login: string; consent: string };
    };
    prompts.push(described.prompt);
    const origin = new URL(stoppedAt).origin;
    const answer =
      described.prompt === 'login'
        ? await ua.request(origin + described.actions.login, { json: { username: 'alice' } })
        : await ua.request(origin + described.actions.consent, { method: 'POST' });
    next = new URL(answer.headers.get('location')!, stoppedAt).toString();
  }
  return prompts;
}

describe('offline_access without prompt=consent', () => {
  it('earns a refresh token, as Entra, Okta and Auth0 give one', async () => {
    const rp = await relyingParty(issuer, 'web', { secret: 'web-secret' });
    const { tokens } = await loginWithCode(rp, { username: 'alice', scope: 'openid offline_access', redirectUri: REDIRECT });
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope?.split(' ')).toContain('offline_access');
  });

  it('shows no consent page to the user of a client whose consent is automatic', async () => {
    expect(await promptsOnTheWay({ scope: 'openid offline_access' })).toEqual(['login']);
  });

  it('still shows the consent page when the client itself asks with prompt=consent, even with a forged marker', async () => {
    expect(await promptsOnTheWay({ scope: 'openid offline_access', prompt: 'consent', mockidp_added_consent: '1' })).toEqual(['login', 'consent']);
  });
});

describe('refresh with scopes the IdP does not know', () => {
  it('ignores them, as the authorization endpoint did', async () => {
    const rp = await relyingParty(issuer, 'web', { secret: 'web-secret' });
    const { tokens } = await loginWithCode(rp, { username: 'alice', scope: 'openid email offline_access User.Read', redirectUri: REDIRECT });
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!, { scope: 'openid email offline_access User.Read' });
    expect(refreshed.scope?.split(' ').sort()).toEqual(['email', 'offline_access', 'openid']);
  });

  it('still refuses a known scope that the grant does not hold', async () => {
    const rp = await relyingParty(issuer, 'web', { secret: 'web-secret' });
    const { tokens } = await loginWithCode(rp, { username: 'alice', scope: 'openid offline_access', redirectUri: REDIRECT });
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!, { scope: 'openid offline_access groups User.Read' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });
});
