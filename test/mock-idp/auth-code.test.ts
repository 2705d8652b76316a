import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, decodeJwt } from 'jose';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';
import { browserlessLogin, LoginError } from '../../harness/actors/browserless-login.ts';
import { UserAgent } from '../../harness/actors/user-agent.ts';

const REDIRECT = 'http://127.0.0.1:8080/callback';

const idp = await startTestIdp({
  tenants: {
    default: {
      users: {
        alice: { name: 'Alice Anders', email: 'alice@example.test', groups: ['admins', 'developers'], claims: { department: 'research' } },
        bob: { email: 'bob@example.test', groups: ['developers'] },
        carol: { password: 'secret-carol', disabled: true },
      },
      clients: {
        demo: { grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT] },
        web: { secret: 'web-secret', authMethod: 'client_secret_post', redirectUris: [REDIRECT] },
        asking: { redirectUris: [REDIRECT], consent: 'prompt' },
        legacy: { redirectUris: [REDIRECT], pkcePlain: true },
      },
    },
  },
});
const issuer = idp.issuer('default');
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL(`${issuer}/auth`);
  for (const [key, value] of Object.entries({ response_type: 'code', scope: 'openid', redirect_uri: REDIRECT, state: 'st-1', ...params }))
    url.searchParams.set(key, value);
  return url.toString();
}

async function tokenRequest(body: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

async function codeFor(clientId: string, username: string, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const { params } = await browserlessLogin({
    authorizationUrl: authorizeUrl({ client_id: clientId, code_challenge: challenge, code_challenge_method: 'S256', ...extra }),
    redirectUri: REDIRECT,
    username,
  });
  return { code: params.get('code')!, verifier, params };
}

describe('authorization code flow with PKCE', () => {
  it('logs alice in without a browser and issues an ID token that verifies against the served JWKS', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens, nonce } = await loginWithCode(rp, { username: 'alice', password: 'alice' });
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer, audience: 'demo' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: 'alice',
      email: 'alice@example.test',
      email_verified: true,
      groups: ['admins', 'developers'],
      name: 'Alice Anders',
      nonce,
      department: 'research',
    });
  });

  it('serves userinfo for the access token with the same sub as the ID token', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'bob' });
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo).toMatchObject({ sub: 'bob', email: 'bob@example.test', preferred_username: 'bob' });
  });

  it('returns the authorization response with state and the RFC 9207 iss parameter', async () => {
    const { params } = await codeFor('demo', 'alice');
    expect(params.get('state')).toBe('st-1');
    expect(params.get('iss')).toBe(issuer);
  });

  it('authenticates a confidential client with client_secret_post', async () => {
    const rp = await relyingParty(issuer, 'web', { auth: oidc.ClientSecretPost('web-secret') });
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    expect(decodeJwt(tokens.id_token!).aud).toBe('web');
  });

  it('refuses a redeemed authorization code the second time with invalid_grant', async () => {
    const { code, verifier } = await codeFor('demo', 'alice');
    const first = await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'demo' });
    expect(first.status).toBe(200);
    const second = await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'demo' });
    expect(second).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('revokes the tokens of a code when the code is replayed', async () => {
    const { code, verifier } = await codeFor('demo', 'alice');
    const first = await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'demo' });
    await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'demo' });
    const refresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: String(first.body['refresh_token']), client_id: 'demo' });
    expect(refresh).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('rejects a wrong PKCE verifier with invalid_grant', async () => {
    const { code } = await codeFor('demo', 'alice');
    const result = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: oidc.randomPKCECodeVerifier(),
      redirect_uri: REDIRECT,
      client_id: 'demo',
    });
    expect(result).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('requires PKCE for a public client: no code_challenge is redirected back as invalid_request', async () => {
    const { params } = await browserlessLogin({ authorizationUrl: authorizeUrl({ client_id: 'demo' }), redirectUri: REDIRECT, username: 'alice' });
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses a code_verifier when the authorization request had no challenge (PKCE downgrade)', async () => {
    const { params } = await browserlessLogin({ authorizationUrl: authorizeUrl({ client_id: 'web' }), redirectUri: REDIRECT, username: 'alice' });
    const result = await tokenRequest({
      grant_type: 'authorization_code',
      code: params.get('code')!,
      code_verifier: oidc.randomPKCECodeVerifier(),
      redirect_uri: REDIRECT,
      client_id: 'web',
      client_secret: 'web-secret',
    });
    expect(result).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('accepts code_challenge_method=plain only for a client configured with pkcePlain', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const legacy = await browserlessLogin({
      authorizationUrl: authorizeUrl({ client_id: 'legacy', code_challenge: verifier, code_challenge_method: 'plain' }),
      redirectUri: REDIRECT,
      username: 'alice',
    });
    const redeemed = await tokenRequest({
      grant_type: 'authorization_code',
      code: legacy.params.get('code')!,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: 'legacy',
    });
    expect(redeemed.status).toBe(200);
    const strict = await browserlessLogin({
      authorizationUrl: authorizeUrl({ client_id: 'demo', code_challenge: verifier, code_challenge_method: 'plain' }),
      redirectUri: REDIRECT,
      username: 'alice',
    });
    expect(strict.params.get('error')).toBe('invalid_request');
  });

  it('lists plain among the PKCE methods in discovery when a client allows it', async () => {
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { code_challenge_methods_supported: string[] };
    expect(discovery.code_challenge_methods_supported).toEqual(['S256', 'plain']);
  });

  it('does not redirect to a redirect_uri that differs from the registered one by a trailing slash', async () => {
    const ua = new UserAgent();
    const response = await ua.request(
      authorizeUrl({ client_id: 'demo', redirect_uri: `${REDIRECT}/`, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }),
      { headers: { accept: 'application/json' } },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.json()).toMatchObject({ error: 'invalid_redirect_uri' });
  });

  it('rejects a token request whose redirect_uri differs from the authorization request', async () => {
    const { code, verifier } = await codeFor('demo', 'alice');
    const result = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: 'http://127.0.0.1:8080/other',
      client_id: 'demo',
    });
    expect(result).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('login and consent', () => {
  it('refuses a disabled user with 403 and a message naming the user', async () => {
    const attempt = codeFor('demo', 'carol');
    await expect(attempt).rejects.toThrow(LoginError);
    await expect(attempt).rejects.toMatchObject({ status: 403, message: expect.stringContaining('"carol" is disabled') });
  });

  it('refuses a wrong password with 401', async () => {
    const attempt = browserlessLogin({ authorizationUrl: authorizeUrl({ client_id: 'web' }), redirectUri: REDIRECT, username: 'alice', password: 'nope' });
    await expect(attempt).rejects.toMatchObject({ status: 401, message: expect.stringContaining('Wrong password') });
  });

  it('refuses an unknown user and lists the known ones', async () => {
    const attempt = browserlessLogin({ authorizationUrl: authorizeUrl({ client_id: 'web' }), redirectUri: REDIRECT, username: 'mallory' });
    await expect(attempt).rejects.toMatchObject({ status: 401, message: expect.stringContaining('Known users: alice, bob, carol') });
  });

  it('asks for consent when the client policy is prompt, and issues a code once approved', async () => {
    const ua = new UserAgent();
    const { params } = await browserlessLogin({
      authorizationUrl: authorizeUrl({
        client_id: 'asking',
        scope: 'openid email',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }),
      redirectUri: REDIRECT,
      username: 'alice',
      userAgent: ua,
    });
    expect(params.get('code')).toBeTruthy();
    expect(ua.hops.some((hop) => hop.url.endsWith('/consent'))).toBe(true);
  });

  it('sends access_denied back to the client when the user denies consent', async () => {
    const { params } = await browserlessLogin({
      authorizationUrl: authorizeUrl({ client_id: 'asking', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }),
      redirectUri: REDIRECT,
      username: 'alice',
      consent: 'deny',
    });
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('st-1');
  });

  it('describes an interaction as JSON: prompt, client, users and the URLs to post to', async () => {
    const ua = new UserAgent();
    const start = await ua.request(authorizeUrl({ client_id: 'web' }));
    const interactionUrl = new URL(start.headers.get('location')!, issuer).toString();
    const described = await ua.request(interactionUrl, { headers: { accept: 'application/json' } });
    expect(await described.json()).toMatchObject({
      prompt: 'login',
      client: { client_id: 'web' },
      users: ['alice', 'bob', 'carol'],
      actions: { login: expect.stringMatching(/\/default\/interaction\/.+\/login$/) },
    });
  });

  it('explains a missing interaction cookie instead of failing obscurely', async () => {
    const ua = new UserAgent();
    const start = await ua.request(authorizeUrl({ client_id: 'web' }));
    const interactionUrl = new URL(start.headers.get('location')!, issuer).toString();
    const cookieless = await fetch(interactionUrl, { headers: { accept: 'application/json' } });
    expect(cookieless.status).toBe(400);
    expect(((await cookieless.json()) as { error_description: string }).error_description).toMatch(/cookie jar/);
  });
});

describe('refresh tokens', () => {
  it('rotates the refresh token on every use', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(refreshed.id_token!).sub).toBe('alice');
  });

  it('revokes the whole token family when a rotated refresh token is reused', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    const rotated = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(rp, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('stops refreshing once the user is disabled', async () => {
    await idp.admin.users.put('default', 'dave', { email: 'dave@example.test' });
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'dave' });
    await idp.admin.users.disable('default', 'dave');
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a refresh that widens the granted scope with invalid_scope', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'bob', scope: 'openid email' });
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!, { scope: 'openid email groups' })).rejects.toMatchObject({ error: 'invalid_scope' });
  });
});
