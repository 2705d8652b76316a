import { afterEach, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.ts';

let idp: MockIdp | undefined;
afterEach(async () => {
  await idp?.close();
  idp = undefined;
});

async function clientCredentialsToken(tokenUrl: string): Promise<string> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('service:service-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

const jwksKids = async (issuer: string) =>
  ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid).sort();

describe('MockIdp.restart', () => {
  it('refuses connections during the downtime and answers on the same address afterwards', async () => {
    idp = await startMockIdp();
    const restarting = idp.restart({ downtimeMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${idp.url}/health`)).rejects.toThrow();
    await restarting;
    expect((await fetch(`${idp.url}/health`)).status).toBe(200);
  });

  it('keeps the signing keys by default, so tokens issued before the restart still verify', async () => {
    idp = await startMockIdp();
    const issuer = idp.issuer('default');
    const before = await clientCredentialsToken(`${issuer}/token`);
    const kids = await jwksKids(issuer);
    await idp.restart({ downtimeMs: 50 });
    expect(await jwksKids(issuer)).toEqual(kids);
    await expect(jwtVerify(before, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer })).resolves.toBeDefined();
  });

  it('with newKeys publishes only new keys, so tokens issued before no longer verify', async () => {
    idp = await startMockIdp();
    const issuer = idp.issuer('default');
    const before = await clientCredentialsToken(`${issuer}/token`);
    const kids = await jwksKids(issuer);
    await idp.restart({ newKeys: true, downtimeMs: 50 });
    const after = await jwksKids(issuer);
    expect(after.some((kid) => kids.includes(kid))).toBe(false);
    await expect(jwtVerify(before, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer })).rejects.toThrow();
    await expect(jwtVerify(await clientCredentialsToken(`${issuer}/token`), createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer })).resolves.toBeDefined();
  });

  it('forgets issued tokens, as an IdP that keeps them in memory does', async () => {
    idp = await startMockIdp({
      server: { logLevel: 'silent' },
      tenants: { default: { clients: { service: { secret: 'service-secret', grants: ['client_credentials'] } } } },
    });
    const issuer = idp.issuer('default');
    const opaque = await clientCredentialsToken(`${issuer}/token`);
    const introspect = async () =>
      (
        (await (
          await fetch(`${issuer}/token/introspection`, {
            method: 'POST',
            headers: {
              authorization: `Basic ${Buffer.from('service:service-secret').toString('base64')}`,
              'content-type': 'application/x-www-form-urlencoded',
            },
            body: new URLSearchParams({ token: opaque }),
          })
        ).json()) as { active: boolean }
      ).active;
    expect(await introspect()).toBe(true);
    await idp.restart({ downtimeMs: 50 });
    expect(await introspect()).toBe(false);
  });

  it('keeps tenants added at runtime, with their users and clients', async () => {
    idp = await startMockIdp();
    await idp.admin.addTenant('runtime', { users: { zoe: {} }, clients: { service: { secret: 'service-secret', grants: ['client_credentials'] } } });
    await idp.restart({ downtimeMs: 50 });
    expect(idp.tenants()).toContain('runtime');
    await clientCredentialsToken(`${idp.issuer('runtime')}/token`);
  });
});
