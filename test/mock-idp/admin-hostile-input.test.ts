import { describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair } from 'jose';
import { startTestIdp } from '../support/idp.ts';

/*
 * Admin input at and past the edges of its schemas: each answer is a 4xx that names the field,
 * and every admin GET keeps answering afterwards.
 */

const idp = await startTestIdp({ tenants: { default: { users: { alice: {} }, clients: { demo: { redirectUris: ['http://127.0.0.1:8080/callback'] } } } } });
const admin = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${idp.url}/_admin${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function expectAdminGetsWork(): Promise<void> {
  for (const path of [
    '/health',
    '/tenants',
    '/tenants/default',
    '/tenants/default/clock',
    '/tenants/default/keys',
    '/tenants/default/users',
    '/tenants/default/clients',
    '/tenants/default/faults',
    '/journal',
  ]) {
    expect((await fetch(`${idp.url}/_admin${path}`)).status, path).toBe(200);
  }
}

async function expect400(response: Response, field: string): Promise<void> {
  const body = (await response.json()) as { error_description?: string };
  expect(response.status).toBe(400);
  expect(body.error_description).toContain(field);
}

describe('hostile admin input', () => {
  it('refuses a tenant with two keys of the same kid with a 400 naming the keys', async () => {
    await expect400(
      await admin('/tenants', 'POST', {
        name: 'dupes',
        config: {
          keys: [
            { alg: 'ES256', kid: 'same' },
            { alg: 'RS256', kid: 'same' },
          ],
        },
      }),
      'keys',
    );
    await expectAdminGetsWork();
  });

  it('refuses a tenant key that is not a private JWK of its algorithm with a 400 naming the key', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    await expect400(await admin('/tenants', 'POST', { name: 'publickey', config: { keys: [{ alg: 'ES256', jwk: await exportJWK(publicKey) }] } }), 'keys[0]');
    await expect400(
      await admin('/tenants', 'POST', { name: 'garbage', config: { keys: [{ alg: 'RS256', jwk: { kty: 'RSA', d: 'x', n: 'y', e: 'AQAB' } }] } }),
      'keys[0]',
    );
  });

  it('refuses a clock offset past the supported range, and the clock stays readable', async () => {
    await expect400(await admin('/tenants/default/clock', 'PUT', { offsetSeconds: 9007199254740991 }), 'offsetSeconds');
    await expectAdminGetsWork();
  });

  it('refuses clock advances that would add up past the supported range', async () => {
    expect((await admin('/tenants/default/clock/advance', 'POST', { seconds: -1_000_000_000 })).status).toBe(200);
    await expect400(await admin('/tenants/default/clock/advance', 'POST', { seconds: -1_000_000_000 }), '1970');
    await expectAdminGetsWork();
    await admin('/tenants/default/clock', 'PUT', { offsetSeconds: 0 });
  });

  it('refuses a key rotation grace period past the supported range', async () => {
    await expect400(await admin('/tenants/default/keys/rotate', 'POST', { graceSeconds: 9007199254740991 }), 'graceSeconds');
    await expectAdminGetsWork();
  });

  it('refuses a fault whose description would break a header (CR/LF) and keeps userinfo answering', async () => {
    await expect400(
      await admin('/tenants/default/faults', 'POST', {
        match: { endpoint: 'userinfo' },
        action: { oauthError: 'invalid_token', description: 'a\r\nSet-Cookie: x=y' },
      }),
      'description',
    );
    expect((await fetch(`${idp.issuer()}/userinfo`)).status).toBe(401);
  });

  it('answers a fault description outside Latin-1 in a header without failing', async () => {
    expect(
      (
        await admin('/tenants/default/faults', 'POST', {
          id: 'unicode',
          match: { endpoint: 'userinfo' },
          action: { oauthError: 'invalid_token', description: 'jeton expiré ✗ 期限切れ' },
        })
      ).status,
    ).toBe(201);
    const response = await fetch(`${idp.issuer()}/userinfo`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error_description: 'jeton expiré ✗ 期限切れ' });
    await admin('/tenants/default/faults/unicode', 'DELETE');
  });

  it('refuses fault latency past the documented bound', async () => {
    await expect400(await admin('/tenants/default/faults', 'POST', { action: { latency: 9007199254740991 } }), 'latency');
  });

  it('answers TRACE and other unknown methods on admin routes with 405', async () => {
    for (const path of ['/health', '/tenants/default', '/journal']) {
      const response = await fetch(`${idp.url}/_admin${path}`, { method: 'PROPFIND' });
      expect(response.status, path).toBe(405);
      expect(((await response.json()) as { error: string }).error).toBe('method_not_allowed');
    }
  });

  it('refuses a client jwks that holds private key parts, naming the key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    await expect400(
      await admin('/tenants/default/clients/signer', 'PUT', { grants: ['client_credentials'], jwks: { keys: [await exportJWK(privateKey)] } }),
      'jwks',
    );
    expect((await admin('/tenants/default/clients/signer')).status).toBe(404);
  });

  it('refuses javascript: and data: redirect URIs', async () => {
    await expect400(await admin('/tenants/default/clients/scripted', 'PUT', { redirectUris: ['javascript:alert(1)'] }), 'redirectUris');
    await expect400(
      await admin('/tenants/default/clients/scripted', 'PUT', { redirectUris: ['http://127.0.0.1/cb'], postLogoutRedirectUris: ['data:text/html,hi'] }),
      'postLogoutRedirectUris',
    );
  });

  it('keeps native-app redirect URIs with a private scheme', async () => {
    expect((await admin('/tenants/default/clients/native', 'PUT', { redirectUris: ['com.example.app:/callback'] })).status).toBe(201);
  });

  it("refuses a user whose sub is already another user's, with 409", async () => {
    const response = await admin('/tenants/default/users/impostor', 'PUT', { sub: 'alice' });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error_description: string }).error_description).toContain('alice');
  });

  it('refuses a tenant configuration in which two users share a sub', async () => {
    await expect400(await admin('/tenants', 'POST', { name: 'shared-sub', config: { users: { a: { sub: 'same' }, b: { sub: 'same' } } } }), 'sub');
  });
});

describe('discovery', () => {
  it('names endpoints under the issuer whatever Host the request carries', async () => {
    const { request } = await import('node:http');
    const document = await new Promise<Record<string, string>>((resolve, reject) => {
      const req = request(`${idp.issuer()}/.well-known/openid-configuration`, { headers: { host: 'attacker.example' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk));
        res.on('end', () => resolve(JSON.parse(text) as Record<string, string>));
      });
      req.on('error', reject);
      req.end();
    });
    expect(document['issuer']).toBe(idp.issuer());
    for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint'])
      expect(document[field], field).toMatch(new RegExp(`^${idp.issuer()}/`));
  });
});
