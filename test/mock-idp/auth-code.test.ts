import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';

const idp = await startTestIdp();
const issuer = idp.issuer('default');

describe('authorization code flow with PKCE', () => {
  it('logs alice in without a browser and issues an ID token that verifies against the served JWKS', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens, nonce } = await loginWithCode(rp, { username: 'alice', password: 'alice' });
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: 'demo' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: 'alice', email: 'alice@example.test', email_verified: true, groups: ['admins', 'developers'], name: 'Alice Anders', nonce });
  });

  it('serves userinfo for the access token with the same sub as the ID token', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'bob' });
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo).toMatchObject({ sub: 'bob', email: 'bob@example.test', preferred_username: 'bob' });
  });
});
