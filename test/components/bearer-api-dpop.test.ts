import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startBearerApi, type BearerApiOptions } from '../../components/index.ts';
import { clientCredentialsToken, dpopBoundToken, startComponentIdp } from './support/idp.ts';
import { started } from './support/components.ts';

const idp = await startComponentIdp();
const issuer = idp.issuer('default');
const roleMapping: BearerApiOptions['roleMapping'] = { mode: 'app', map: { 'dpop-app': 'writer', service: 'reader' } };
const api = await started(startBearerApi({ issuer, audiences: ['api://storage'], roleMapping }));

/** A DPoP proof made with jose, with what a correct client would send unless told otherwise. */
async function proofFor(token: string, options: { htm?: string; htu?: string; ath?: string; iat?: number; key?: CryptoKeyPair; jti?: string } = {}) {
  const key = options.key ?? (await generateKeyPair('ES256'));
  return new SignJWT({
    htm: options.htm ?? 'GET',
    htu: options.htu ?? `${api.url}/whoami`,
    ath: options.ath ?? createHash('sha256').update(token).digest('base64url'),
    jti: options.jti ?? randomUUID(),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(key.publicKey) })
    .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
    .sign(key.privateKey);
}

async function whoami(headers: Record<string, string>) {
  const response = await fetch(`${api.url}/whoami`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get('www-authenticate') ?? '' };
}

describe('bearer API: DPoP-bound tokens (RFC 9449)', () => {
  it("accepts a DPoP-bound token with openid-client's proof of its key", async () => {
    const { token, config, dpop } = await dpopBoundToken(idp, 'dpop-app', 'dpop-app-secret');
    const response = await oidc.fetchProtectedResource(config, token, new URL(`${api.url}/whoami`), 'GET', undefined, undefined, { DPoP: dpop });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ client_id: 'dpop-app', roles: [{ role: 'writer' }] });
  });

  it('refuses a DPoP-bound token sent as a Bearer token, with a DPoP challenge', async () => {
    const { token } = await dpopBoundToken(idp, 'dpop-app', 'dpop-app-secret');
    const reply = await whoami({ authorization: `Bearer ${token}` });
    expect(reply).toMatchObject({ status: 401, body: { error: 'invalid_token', error_description: expect.stringContaining('the token is DPoP-bound') } });
    expect(reply.challenge).toMatch(/^DPoP realm="mockidp-bearer-api", algs="ES256 [^"]*", error="invalid_token"/);
  });

  it('refuses a proof signed by another key than the token is bound to', async () => {
    const { token } = await dpopBoundToken(idp, 'dpop-app', 'dpop-app-secret');
    const reply = await whoami({ authorization: `DPoP ${token}`, dpop: await proofFor(token) });
    expect(reply).toMatchObject({ status: 401, body: { error_description: expect.stringContaining('another key than the one the token is bound to') } });
    expect(reply.challenge).toContain('error="invalid_dpop_proof"');
  });

  it('refuses a proof used a second time', async () => {
    const { token, keyPair } = await dpopBoundToken(idp, 'dpop-app', 'dpop-app-secret');
    const proof = await proofFor(token, { key: keyPair });
    expect((await whoami({ authorization: `DPoP ${token}`, dpop: proof })).status).toBe(200);
    expect(await whoami({ authorization: `DPoP ${token}`, dpop: proof })).toMatchObject({
      status: 401,
      body: { error_description: 'the DPoP proof was used before (jti replay)' },
    });
  });

  it('refuses proofs made for another URL, another method, another token or long ago', async () => {
    const { token, keyPair: key } = await dpopBoundToken(idp, 'dpop-app', 'dpop-app-secret');
    const refusal = async (options: Parameters<typeof proofFor>[1]) =>
      (await whoami({ authorization: `DPoP ${token}`, dpop: await proofFor(token, { key, ...options }) })).body['error_description'];
    expect(await refusal({ htu: `${api.url}/roles/writer` })).toContain('(htu)');
    expect(await refusal({ htm: 'POST' })).toContain('(htm)');
    expect(await refusal({ ath: createHash('sha256').update('another token').digest('base64url') })).toContain('(ath)');
    expect(await refusal({ iat: Math.floor(Date.now() / 1000) - 600 })).toContain('iat');
    expect((await whoami({ authorization: `DPoP ${token}` })).body['error_description']).toBe('a DPoP-bound token needs a DPoP proof header');
  });

  it('accepts a proof whose htu carries a query, compared without it', async () => {
    const { token, keyPair: key } = await dpopBoundToken(idp, 'dpop-app', 'dpop-app-secret');
    expect((await whoami({ authorization: `DPoP ${token}`, dpop: await proofFor(token, { key, htu: `${api.url}/whoami?x=1` }) })).status).toBe(200);
  });

  it('refuses an unbound token sent with the DPoP scheme', async () => {
    const token = await clientCredentialsToken(idp, 'service', 'service-secret');
    expect(await whoami({ authorization: `DPoP ${token}`, dpop: await proofFor(token) })).toMatchObject({
      status: 401,
      body: { error_description: expect.stringContaining('not DPoP-bound') },
    });
  });

  it('accepts only DPoP-bound tokens with dpop: require', async () => {
    const strict = await started(startBearerApi({ issuer, audiences: ['api://storage'], roleMapping, dpop: 'require' }));
    const token = await clientCredentialsToken(idp, 'service', 'service-secret');
    const response = await fetch(`${strict.url}/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error_description: string }).error_description).toContain('accepts only DPoP-bound tokens');
  });

  it('checks htu against publicUrl when the API sits behind a proxy', async () => {
    const proxied = await started(startBearerApi({ issuer, audiences: ['api://storage'], roleMapping, publicUrl: 'https://api.example.test/storage' }));
    const { token, keyPair: key } = await dpopBoundToken(idp, 'dpop-app', 'dpop-app-secret');
    const response = await fetch(`${proxied.url}/whoami`, {
      headers: { authorization: `DPoP ${token}`, dpop: await proofFor(token, { key, htu: 'https://api.example.test/storage/whoami' }) },
    });
    expect(response.status).toBe(200);
  });
});
