import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';
import { UserAgent, readForms } from '../../harness/actors/user-agent.ts';

const REDIRECT = 'http://127.0.0.1:8080/callback';

const idp = await startTestIdp({
  tenants: {
    default: {
      users: { alice: { email: 'alice@example.test', groups: ['admins'] }, bob: {} },
      clients: {
        demo: { grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT] },
        asking: { redirectUris: [REDIRECT], consent: 'prompt' },
      },
    },
  },
});
const issuer = idp.issuer('default');
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

async function verifiedIdToken(idToken: string, audience = 'demo') {
  return (await jwtVerify(idToken, jwks, { issuer, audience })).payload;
}

/** The interaction of a fresh authorization request, as a browser has it (cookie jar), without logging in. */
async function openInteraction(clientId = 'demo') {
  const ua = new UserAgent();
  const url = new URL(`${issuer}/auth`);
  for (const [key, value] of Object.entries({
    client_id: clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }))
    url.searchParams.set(key, value);
  const { url: at, response } = await ua.follow(url.toString(), {}, { stop: (next) => next.startsWith(REDIRECT) });
  const html = await response.text();
  const loginAction = readForms(html, at).find((candidate) => candidate.id === 'login-form')!.action;
  return { ua, loginAction, html, at };
}

describe('claims chosen at login', () => {
  it("puts the claims of a headless login into its ID token and userinfo, beside the user's own", async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'alice', claims: { department: 'research', roles_at_login: ['auditor'], level: 3 } });
    expect(await verifiedIdToken(tokens.id_token!)).toMatchObject({
      sub: 'alice',
      email: 'alice@example.test',
      department: 'research',
      roles_at_login: ['auditor'],
      level: 3,
    });
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, 'alice');
    expect(userinfo).toMatchObject({ sub: 'alice', department: 'research', roles_at_login: ['auditor'], level: 3 });
  });

  it('lets a claim chosen at login replace a configured claim of the user', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'alice', claims: { email: 'alias@example.test' } });
    expect((await verifiedIdToken(tokens.id_token!))['email']).toBe('alias@example.test');
  });

  it("keeps the claims in the ID tokens of that grant's refreshes", async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'bob', claims: { team: 'blue' } });
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect((await verifiedIdToken(refreshed.id_token!))['team']).toBe('blue');
  });

  it('gives the next login of the same user in the same browser none of them, while the first grant keeps its own', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const ua = new UserAgent();
    // offline_access: the first grant's tokens outlive the browser session's move to the next grant.
    const first = await loginWithCode(rp, {
      username: 'bob',
      claims: { team: 'red' },
      userAgent: ua,
      scope: 'openid offline_access',
      extra: { prompt: 'consent' },
    });
    const second = await loginWithCode(rp, { username: 'bob', userAgent: ua, extra: { prompt: 'login' } });
    expect(await verifiedIdToken(second.tokens.id_token!)).not.toHaveProperty('team');
    expect(await oidc.fetchUserInfo(rp, second.tokens.access_token, 'bob')).not.toHaveProperty('team');
    expect((await oidc.fetchUserInfo(rp, first.tokens.access_token, 'bob'))['team']).toBe('red');
  });

  it('puts them into the grant a consent prompt creates', async () => {
    const rp = await relyingParty(issuer, 'asking');
    const { tokens } = await loginWithCode(rp, { username: 'alice', claims: { tier: 'gold' } });
    expect((await verifiedIdToken(tokens.id_token!, 'asking'))['tier']).toBe('gold');
  });

  it('refuses text that is not JSON with 400 invalid_request naming the field and showing an example', async () => {
    const { ua, loginAction } = await openInteraction();
    const response = await ua.request(loginAction, { headers: { accept: 'application/json' }, json: { username: 'alice', claims: '{department: research}' } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(/^"claims" is not valid JSON \(.+\): write a JSON object such as \{"department": "research"/);
  });

  it('refuses JSON that is not an object', async () => {
    const { ua, loginAction } = await openInteraction();
    const response = await ua.request(loginAction, { headers: { accept: 'application/json' }, json: { username: 'alice', claims: ['admin'] } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toContain(
      '"claims" must be a JSON object of claim names and values, got an array',
    );
  });

  it('refuses claims the IdP sets itself, naming them', async () => {
    const { ua, loginAction } = await openInteraction();
    const response = await ua.request(loginAction, {
      headers: { accept: 'application/json' },
      json: { username: 'alice', claims: { iss: 'https://evil.test', aud: 'x', team: 'ok' } },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toContain(
      '"claims" cannot set "iss", "aud": the IdP sets them on every token',
    );
  });

  it('shows the login page again with the alert and the typed claims kept when they are malformed', async () => {
    const { ua, loginAction } = await openInteraction();
    const response = await ua.request(loginAction, { form: { username: 'alice', password: 'alice', claims: '{"team": }' } });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('&quot;claims&quot; is not valid JSON');
    const form = readForms(html, loginAction).find((candidate) => candidate.id === 'login-form')!;
    expect(form.fields).toMatchObject({ username: 'alice', claims: '{"team": }' });
  });

  it('takes the claims typed in the login form together with a click on a test user', async () => {
    const { ua, html, at } = await openInteraction();
    const form = readForms(html, at).find((candidate) => candidate.id === 'login-form')!;
    expect(form.buttons.filter((button) => button.name === 'pick').map((button) => button.value)).toEqual(['alice', 'bob']);
    const done = await ua.follow(
      form.action,
      { form: { ...form.fields, claims: '{"team": "green"}', pick: 'bob' } },
      { stop: (next) => next.startsWith(REDIRECT) },
    );
    const code = new URL(done.stoppedAt!).searchParams.get('code')!;
    const token = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: 'demo',
        code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      }),
    });
    const { id_token } = (await token.json()) as { id_token: string };
    expect(await verifiedIdToken(id_token)).toMatchObject({ sub: 'bob', team: 'green' });
  });
});
