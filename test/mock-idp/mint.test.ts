import { describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify, errors } from 'jose';
import { startTestIdp } from '../support/idp.ts';

const idp = await startTestIdp();
const issuer = idp.issuer();
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

describe('minting tokens without a flow', () => {
  it('mints an ID token for a user and client that verifies against the published JWKS', async () => {
    const { token } = await idp.admin.mint('default', { user: 'alice', client: 'demo' });
    const { payload } = await jwtVerify(token, jwks, { issuer, audience: 'demo' });
    expect(payload).toMatchObject({ sub: 'alice', email: 'alice@example.test', groups: ['admins', 'developers'] });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('mints an access token for a client with its audience, claims and the at+jwt type', async () => {
    const { token } = await idp.admin.mint('default', { type: 'access_token', client: 'service', scope: 'read' });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience: 'api://default', typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: 'service', client_id: 'service', scope: 'read', roles: ['service.read'] });
    expect(protectedHeader.kid).toBeTruthy();
  });

  it('lets chosen claims override everything, so a test can mint a token from another issuer', async () => {
    const { token } = await idp.admin.mint('default', { user: 'bob', client: 'demo', claims: { iss: 'https://evil.example', groups: 'admins' } });
    await expect(jwtVerify(token, jwks, { issuer })).rejects.toThrow(errors.JWTClaimValidationFailed);
    const { payload } = await jwtVerify(token, jwks);
    expect(payload).toMatchObject({ iss: 'https://evil.example', groups: 'admins' });
  });

  it('mints an already expired token with a negative lifetime', async () => {
    const { token } = await idp.admin.mint('default', { user: 'alice', client: 'demo', ttlSeconds: -60 });
    await expect(jwtVerify(token, jwks)).rejects.toThrow(errors.JWTExpired);
  });

  it('signs with the requested algorithm', async () => {
    const { header } = await idp.admin.mint('default', { user: 'alice', client: 'demo', alg: 'ES256' });
    expect(header).toMatchObject({ alg: 'ES256' });
  });

  it('answers an algorithm the tenant has no key for with 400 listing the keys', async () => {
    await expect(idp.admin.mint('default', { user: 'alice', alg: 'EdDSA' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('no key for algorithm EdDSA'),
    });
  });

  it('answers an unknown user with 404 and a bad field with 400 naming it', async () => {
    await expect(idp.admin.mint('default', { user: 'nobody' })).rejects.toMatchObject({ status: 404 });
    await expect(idp.admin.mint('default', { ttlSeconds: 'long' } as never)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('token.ttlSeconds'),
    });
  });
});
