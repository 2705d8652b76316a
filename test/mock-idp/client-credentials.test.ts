import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { startTestIdp, relyingParty } from '../support/idp.ts';

const appKeys = await generateKeyPair('ES256', { extractable: true });
const idp = await startTestIdp({
  tenants: {
    default: {
      scopes: ['orders.read', 'orders.write'],
      clients: {
        service: { secret: 'service-secret', grants: ['client_credentials'], audience: 'api://orders', claims: { roles: ['orders.reader'] } },
        poster: { secret: 'poster-secret', authMethod: 'client_secret_post', grants: ['client_credentials'] },
        signer: {
          grants: ['client_credentials'],
          jwks: { keys: [{ ...(await exportJWK(appKeys.publicKey)), alg: 'ES256', use: 'sig', kid: 'app-1' }] },
          audience: 'api://orders',
          accessTokenAlg: 'ES256',
        },
      },
    },
  },
});
const issuer = idp.issuer();

describe('client credentials grant', () => {
  it('issues a JWT access token for the client audience that verifies against the JWKS, with the client claims', async () => {
    const rp = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    const tokens = await oidc.clientCredentialsGrant(rp, { scope: 'orders.read' });
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), {
      issuer,
      audience: 'api://orders',
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ client_id: 'service', sub: 'service', scope: 'orders.read', roles: ['orders.reader'] });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('authenticates a client with client_secret_post and issues an opaque token when no audience is set', async () => {
    const rp = await relyingParty(issuer, 'poster', { auth: oidc.ClientSecretPost('poster-secret') });
    const tokens = await oidc.clientCredentialsGrant(rp);
    expect(tokens.access_token.split('.')).toHaveLength(1);
    const introspected = await oidc.tokenIntrospection(rp, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, client_id: 'poster' });
  });

  it('authenticates a client with private_key_jwt', async () => {
    const rp = await relyingParty(issuer, 'signer', { auth: oidc.PrivateKeyJwt({ key: appKeys.privateKey, kid: 'app-1' }) });
    const tokens = await oidc.clientCredentialsGrant(rp);
    const { protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { audience: 'api://orders' });
    expect(protectedHeader.alg).toBe('ES256');
  });

  it('answers a wrong secret over HTTP Basic with 401 invalid_client and WWW-Authenticate', async () => {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('service:wrong').toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('leaves a scope the tenant does not define out of the token, as Keycloak and oidc-provider do', async () => {
    const rp = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    const tokens = await oidc.clientCredentialsGrant(rp, { scope: 'orders.write admin.everything' });
    expect(tokens.scope).toBe('orders.write');
  });

  it('refuses a resource the client is not registered for with invalid_target', async () => {
    const rp = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    await expect(oidc.clientCredentialsGrant(rp, { resource: 'api://elsewhere' })).rejects.toMatchObject({ error: 'invalid_target' });
  });
});

describe('introspection and revocation', () => {
  it('introspects a JWT access token as active with its claims', async () => {
    const rp = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    const { access_token } = await oidc.clientCredentialsGrant(rp);
    expect(await oidc.tokenIntrospection(rp, access_token)).toMatchObject({ active: true, client_id: 'service', aud: 'api://orders', token_type: 'Bearer' });
  });

  it('answers only active:false for a revoked JWT access token', async () => {
    const rp = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    const { access_token } = await oidc.clientCredentialsGrant(rp);
    await oidc.tokenRevocation(rp, access_token);
    const introspected = await oidc.tokenIntrospection(rp, access_token);
    expect(introspected).toEqual({ active: false });
  });

  it('answers only active:false for a revoked opaque token', async () => {
    const rp = await relyingParty(issuer, 'poster', { auth: oidc.ClientSecretPost('poster-secret') });
    const { access_token } = await oidc.clientCredentialsGrant(rp);
    await oidc.tokenRevocation(rp, access_token);
    expect(await oidc.tokenIntrospection(rp, access_token)).toEqual({ active: false });
  });

  it('answers 200 when revoking a token it never issued', async () => {
    const response = await fetch(`${issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('service:service-secret').toString('base64')}` },
      body: 'token=never-issued&token_type_hint=access_token',
    });
    expect(response.status).toBe(200);
  });

  it('answers active:false for a JWT access token once it expired on the tenant clock', async () => {
    const rp = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    const { access_token } = await oidc.clientCredentialsGrant(rp);
    await idp.admin.clock.advance('default', 3601);
    try {
      expect(await oidc.tokenIntrospection(rp, access_token)).toEqual({ active: false });
    } finally {
      await idp.admin.clock.advance('default', -3601);
    }
  });

  it('requires client authentication for introspection', async () => {
    const response = await fetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=abc',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
