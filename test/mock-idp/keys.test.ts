import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { startTestIdp, relyingParty } from '../support/idp.ts';

const idp = await startTestIdp({
  tenants: {
    algs: {
      keys: [{ alg: 'RS256' }, { alg: 'PS256' }, { alg: 'ES256' }, { alg: 'EdDSA' }],
      clients: {
        ps: { secret: 'ps-secret', grants: ['client_credentials'], audience: 'api://x', accessTokenAlg: 'PS256' },
        es: { secret: 'es-secret', grants: ['client_credentials'], audience: 'api://x', accessTokenAlg: 'ES256' },
        ed: { secret: 'ed-secret', grants: ['client_credentials'], audience: 'api://x', accessTokenAlg: 'EdDSA' },
      },
    },
  },
});

let tenants = 0;
/** A fresh tenant with one ES256 key, so each test starts from a known key set. */
async function rotatingTenant(): Promise<string> {
  tenants += 1;
  const name = `rotating-${tenants}`;
  await idp.admin.addTenant(name, {
    keys: [{ alg: 'ES256' }],
    defaultAlg: 'ES256',
    keyRotationGraceSeconds: 600,
    clients: { service: { secret: 'service-secret', grants: ['client_credentials'], audience: 'api://x' } },
  });
  return name;
}

async function jwks(tenant: string): Promise<JSONWebKeySet> {
  return (await (await fetch(`${idp.issuer(tenant)}/jwks`)).json()) as JSONWebKeySet;
}

async function token(tenant: string, client: string, secret: string): Promise<string> {
  const rp = await relyingParty(idp.issuer(tenant), client, { secret });
  return (await oidc.clientCredentialsGrant(rp)).access_token;
}

describe('signing keys', () => {
  it('signs with each configured algorithm and publishes a unique kid per key', async () => {
    const published = await jwks('algs');
    const kids = published.keys.map((key) => key.kid);
    expect(new Set(kids).size).toBe(4);
    expect(published.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    for (const [client, alg] of [
      ['ps', 'PS256'],
      ['es', 'ES256'],
      ['ed', 'EdDSA'],
    ] as const) {
      const jwt = await token('algs', client, `${client}-secret`);
      const { protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(published));
      expect(protectedHeader.alg).toBe(alg);
    }
  });

  it('never publishes private key material', async () => {
    for (const key of (await jwks('algs')).keys) {
      expect(Object.keys(key)).not.toEqual(expect.arrayContaining(['d']));
      expect(key).not.toHaveProperty('p');
    }
  });

  it('signs with the new key after rotation and keeps the old key published for the grace period', async () => {
    const tenant = await rotatingTenant();
    const before = decodeProtectedHeader(await token(tenant, 'service', 'service-secret')).kid;
    const rotation = await idp.admin.keys.rotate(tenant);
    expect(rotation.retired).toBe(before);
    const after = await token(tenant, 'service', 'service-secret');
    expect(decodeProtectedHeader(after).kid).toBe(rotation.added);
    expect((await jwks(tenant)).keys.map((key) => key.kid)).toEqual([rotation.added, before]);
  });

  it('drops a rotated-out key from the JWKS once its grace period has passed on the tenant clock', async () => {
    const tenant = await rotatingTenant();
    const rotation = await idp.admin.keys.rotate(tenant, { graceSeconds: 60 });
    expect((await jwks(tenant)).keys.map((key) => key.kid)).toContain(rotation.retired);
    await idp.admin.clock.advance(tenant, 61);
    expect((await jwks(tenant)).keys.map((key) => key.kid)).toEqual([rotation.added]);
  });

  it('removes a revoked key from the JWKS at once', async () => {
    const tenant = await rotatingTenant();
    const rotation = await idp.admin.keys.rotate(tenant, { graceSeconds: 3600 });
    await idp.admin.keys.revoke(tenant, rotation.retired!);
    expect((await jwks(tenant)).keys.map((key) => key.kid)).toEqual([rotation.added]);
  });

  it('refuses to revoke the only key of a tenant with 409', async () => {
    const tenant = await rotatingTenant();
    const [only] = (await jwks(tenant)).keys;
    await expect(idp.admin.keys.revoke(tenant, only!.kid!)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('rotate first') });
  });

  it('answers 404 for an unknown kid', async () => {
    const tenant = await rotatingTenant();
    await expect(idp.admin.keys.revoke(tenant, 'no-such-kid')).rejects.toMatchObject({ status: 404 });
  });
});
