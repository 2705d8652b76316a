import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { SignJWT, calculateJwkThumbprint, createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';
import { browserlessLogin } from '../../harness/actors/browserless-login.ts';

const REDIRECT = 'http://127.0.0.1:8080/callback';

const idp = await startTestIdp({
  tenants: {
    default: {
      users: { alice: {} },
      clients: {
        'dpop-service': { secret: 'dpop-secret', grants: ['client_credentials'], audience: 'api://orders', dpop: 'required' },
        'nonce-service': { secret: 'nonce-secret', grants: ['client_credentials'], audience: 'api://orders', dpopNonce: true },
        service: { secret: 'service-secret', grants: ['client_credentials'], audience: 'api://orders' },
        'dpop-spa': { grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], dpop: 'required' },
        'par-web': { secret: 'par-secret', redirectUris: [REDIRECT], par: 'required' },
        web: { secret: 'web-secret', redirectUris: [REDIRECT] },
      },
    },
  },
});
const issuer = idp.issuer('default');
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

async function dpopKey() {
  const pair = await oidc.randomDPoPKeyPair('ES256');
  return { pair, jkt: await calculateJwkThumbprint(await exportJWK(pair.publicKey)) };
}

/** A DPoP proof built by hand with jose, to send what a broken client would. */
async function proof(claims: { htm: string; htu: string; jti?: string; ath?: string }) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwt = await new SignJWT({ jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) })
    .setIssuedAt()
    .sign(privateKey);
  return jwt;
}

function clientCredentials(client: string, secret: string, headers: Record<string, string> = {}) {
  return fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`,
      ...headers,
    },
    body: 'grant_type=client_credentials',
  });
}

describe('DPoP (RFC 9449)', () => {
  it("binds a client_credentials token to the key of openid-client's proof (cnf.jkt, token_type DPoP)", async () => {
    const rp = await relyingParty(issuer, 'dpop-service', { secret: 'dpop-secret' });
    const { pair, jkt } = await dpopKey();
    const tokens = await oidc.clientCredentialsGrant(rp, {}, { DPoP: oidc.getDPoPHandle(rp, pair) });
    expect(tokens.token_type).toBe('dpop');
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer, audience: 'api://orders' });
    expect(payload['cnf']).toEqual({ jkt });
  });

  it('refuses a client that requires DPoP when its token request carries no proof', async () => {
    const response = await clientCredentials('dpop-service', 'dpop-secret');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/DPoP/) });
  });

  it('binds tokens of the authorization code flow, and userinfo then wants a proof of the same key', async () => {
    const rp = await relyingParty(issuer, 'dpop-spa');
    const { pair, jkt } = await dpopKey();
    const DPoP = oidc.getDPoPHandle(rp, pair);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      dpop_jkt: jkt,
    });
    const { callbackUrl } = await browserlessLogin({ authorizationUrl: url.toString(), redirectUri: REDIRECT, username: 'alice' });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(callbackUrl), { pkceCodeVerifier: verifier }, undefined, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, 'alice', { DPoP })).toMatchObject({ sub: 'alice' });
    const asBearer = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(asBearer.status).toBe(401);
  });

  it("refuses to refresh a public client's DPoP-bound grant with a proof of another key", async () => {
    const rp = await relyingParty(issuer, 'dpop-spa');
    const first = await dpopKey();
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { callbackUrl } = await browserlessLogin({ authorizationUrl: url.toString(), redirectUri: REDIRECT, username: 'alice' });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(callbackUrl), { pkceCodeVerifier: verifier }, undefined, {
      DPoP: oidc.getDPoPHandle(rp, first.pair),
    });
    const other = await dpopKey();
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!, undefined, { DPoP: oidc.getDPoPHandle(rp, other.pair) })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses proofs for another URL, another method, or seen before, with invalid_dpop_proof', async () => {
    const wrongUrl = await clientCredentials('service', 'service-secret', { dpop: await proof({ htm: 'POST', htu: `${issuer}/other` }) });
    expect(await wrongUrl.json()).toMatchObject({ error: 'invalid_dpop_proof', error_description: 'DPoP proof htu mismatch' });
    const wrongMethod = await clientCredentials('service', 'service-secret', { dpop: await proof({ htm: 'GET', htu: `${issuer}/token` }) });
    expect(await wrongMethod.json()).toMatchObject({ error: 'invalid_dpop_proof', error_description: 'DPoP proof htm mismatch' });
    const once = await proof({ htm: 'POST', htu: `${issuer}/token` });
    expect((await clientCredentials('service', 'service-secret', { dpop: once })).status).toBe(200);
    const replayed = await clientCredentials('service', 'service-secret', { dpop: once });
    expect(await replayed.json()).toMatchObject({ error: 'invalid_grant', error_description: 'DPoP proof JWT Replay detected' });
  });

  it('demands a nonce from a client configured with dpopNonce; openid-client retries with it', async () => {
    const rp = await relyingParty(issuer, 'nonce-service', { secret: 'nonce-secret' });
    const { pair } = await dpopKey();
    const tokens = await oidc.clientCredentialsGrant(rp, {}, { DPoP: oidc.getDPoPHandle(rp, pair) });
    expect(tokens.token_type).toBe('dpop');
    const seen = idp.journal.query({ tenant: 'default', endpoint: 'token', clientId: 'nonce-service' }).slice(-2);
    expect(seen.map((entry) => [entry.status, entry.error])).toEqual([
      [400, 'use_dpop_nonce'],
      [200, undefined],
    ]);
  });

  it('demands a nonce when a fault rule says so, answering a DPoP-Nonce header', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token', client: 'service' }, action: { dpop: { requireNonce: true } }, count: 1 });
    try {
      const response = await clientCredentials('service', 'service-secret', { dpop: await proof({ htm: 'POST', htu: `${issuer}/token` }) });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'use_dpop_nonce' });
      expect(response.headers.get('dpop-nonce')).toMatch(/^[\w-]+$/);
      const rp = await relyingParty(issuer, 'service', { secret: 'service-secret' });
      const { pair } = await dpopKey();
      expect((await oidc.clientCredentialsGrant(rp, {}, { DPoP: oidc.getDPoPHandle(rp, pair) })).token_type).toBe('dpop');
    } finally {
      await idp.admin.faults.clear('default');
    }
  });
});

describe('pushed authorization requests (RFC 9126)', () => {
  it('lets openid-client push the request and log in with the request_uri it gets', async () => {
    const rp = await relyingParty(issuer, 'par-web', { secret: 'par-secret' });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const { callbackUrl } = await browserlessLogin({ authorizationUrl: url.toString(), redirectUri: REDIRECT, username: 'alice' });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(callbackUrl), { pkceCodeVerifier: verifier });
    expect(decodeJwt(tokens.id_token!).sub).toBe('alice');
    expect(idp.journal.query({ tenant: 'default', endpoint: 'par' }).at(-1)).toMatchObject({ status: 201, clientId: 'par-web' });
  });

  it('refuses a plain authorization request from a client that requires PAR', async () => {
    const rp = await relyingParty(issuer, 'par-web', { secret: 'par-secret' });
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const response = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' } });
    const location = new URL(response.headers.get('location') ?? `${REDIRECT}?error=none`);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/[Pp]ushed [Aa]uthorization [Rr]equest/);
  });

  it('lets a client that does not require PAR push its request or send it plainly', async () => {
    const rp = await relyingParty(issuer, 'web', { secret: 'web-secret' });
    const pushed = await oidc.buildAuthorizationUrlWithPAR(rp, { redirect_uri: REDIRECT, scope: 'openid' });
    const viaPar = await browserlessLogin({ authorizationUrl: pushed.toString(), redirectUri: REDIRECT, username: 'alice' });
    expect(viaPar.params.get('code')).toBeTruthy();
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    expect(tokens.access_token).toBeTruthy();
  });
});
