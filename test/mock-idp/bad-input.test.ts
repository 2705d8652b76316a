import { describe, expect, it } from 'vitest';
import { startTestIdp } from '../support/idp.ts';

const idp = await startTestIdp();
const issuer = idp.issuer();

const garbage: Array<{ name: string; headers: Record<string, string>; body: string }> = [
  { name: 'invalid JSON', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' },
  { name: 'a form with binary noise', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '\u0000\u0001%%%zz=\uFFFF&&&=' },
  {
    name: 'duplicated parameters',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&grant_type=refresh_token&client_id=service',
  },
  { name: 'an unknown content type', headers: { 'content-type': 'text/csv' }, body: 'a,b,c' },
  { name: 'an oversized body', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `x=${'a'.repeat(200_000)}` },
];

const endpoints = [
  'token',
  'token/introspection',
  'token/revocation',
  'device/auth',
  'userinfo',
  'session/end',
  'auth',
  'device',
  'interaction/unknown-uid/login',
  'interaction/unknown-uid/consent',
];

describe('malformed requests', () => {
  for (const endpoint of endpoints) {
    it(`answers garbage posted to /${endpoint} with a 4xx and keeps serving`, async () => {
      for (const { name, headers, body } of garbage) {
        const response = await fetch(`${issuer}/${endpoint}`, { method: 'POST', headers, body });
        expect(response.status, `${name} at /${endpoint}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${name} at /${endpoint}`).toBeLessThan(500);
      }
      expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200);
    });
  }

  it('answers an unknown tenant with a JSON 404 listing the tenants', async () => {
    const response = await fetch(`${idp.url}/nobody/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found', error_description: expect.stringContaining('tenants: default') });
  });

  it('answers an authorization request for an unknown client without redirecting', async () => {
    const response = await fetch(`${issuer}/auth?client_id=ghost&response_type=code&redirect_uri=http://evil.test/cb&scope=openid`, {
      redirect: 'manual',
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('answers a bearer-less userinfo call with 401 and WWW-Authenticate', async () => {
    const response = await fetch(`${issuer}/userinfo`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('lists the tenants at the root', async () => {
    expect(await (await fetch(idp.url)).json()).toMatchObject({ tenants: [{ name: 'default', issuer }] });
  });
});
