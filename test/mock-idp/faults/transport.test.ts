import { afterEach, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { relyingParty, startTestIdp } from '../../support/idp.ts';
import { serviceToken } from './support.ts';

const idp = await startTestIdp();
const issuer = idp.issuer('default');
const fault = (action: Record<string, unknown>, endpoint = 'token') => idp.admin.faults.add('default', { match: { endpoint: endpoint as 'token' }, action });

afterEach(async () => {
  await idp.admin.faults.clear('default');
});

describe('transport faults', () => {
  it('adds latency before the real answer', async () => {
    await fault({ latency: '150ms' });
    const started = performance.now();
    const response = await serviceToken(idp);
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hangs until the client gives up, and the server keeps serving others', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { hang: true }, count: 1 });
    await expect(serviceToken(idp, 'default', { signal: AbortSignal.timeout(300) })).rejects.toThrow(/timeout|aborted/i);
    expect((await serviceToken(idp)).status).toBe(200);
    expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200);
  });

  it('resets the connection without an answer', async () => {
    await fault({ reset: true });
    await expect(serviceToken(idp)).rejects.toThrow(/fetch failed/);
  });

  for (const status of [500, 502, 503]) {
    it(`answers ${status} instead of the IdP`, async () => {
      await fault({ status });
      const response = await serviceToken(idp);
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error: expect.any(String) });
    });
  }

  it('answers 429 with Retry-After', async () => {
    await fault({ status: 429, retryAfter: 30 });
    const response = await serviceToken(idp);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
  });

  it('answers an HTML error page with status 200', async () => {
    await fault({ html: true });
    const response = await serviceToken(idp);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    await expect(response.json()).rejects.toThrow();
  });

  it('sends the real response with the wrong content type', async () => {
    await fault({ contentType: 'text/plain' });
    const response = await serviceToken(idp);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(JSON.parse(await response.text())).toHaveProperty('access_token');
  });

  it('sends the real response cut in half, which no JSON parser accepts', async () => {
    await fault({ body: 'truncated' });
    const response = await serviceToken(idp);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const text = await response.text();
    expect(text.startsWith('{"access_token":')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('sends invalid JSON and empty bodies', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'discovery' }, action: { body: 'invalid-json' }, count: 1 });
    const invalid = await (await fetch(`${issuer}/.well-known/openid-configuration`)).text();
    expect(() => JSON.parse(invalid)).toThrow();
    await idp.admin.faults.add('default', { match: { endpoint: 'discovery' }, action: { body: 'empty' }, count: 1 });
    const empty = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });

  it('redirects to the same URL forever', async () => {
    await fault({ redirectLoop: true }, 'discovery');
    const url = `${issuer}/.well-known/openid-configuration`;
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(new URL(first.headers.get('location')!, url).toString()).toBe(url);
    await expect(fetch(url)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/redirect/i) } });
  });

  it('openid-client sees a 429 as an error response with its status, and the Retry-After header', async () => {
    const rp = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    await fault({ status: 429, retryAfter: 7 });
    const error = (await oidc.clientCredentialsGrant(rp).catch((caught: unknown) => caught)) as oidc.ResponseBodyError;
    expect(error).toBeInstanceOf(oidc.ResponseBodyError);
    expect([error.status, error.response.headers.get('retry-after')]).toEqual([429, '7']);
  });

  it('openid-client refuses a token response cut in half', async () => {
    const rp = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    await fault({ body: 'truncated' });
    await expect(oidc.clientCredentialsGrant(rp)).rejects.toThrow(/parsing error/);
  });

  it('openid-client cannot discover an issuer whose discovery document is an HTML page', async () => {
    await fault({ html: true }, 'discovery');
    await expect(relyingParty(issuer, 'demo')).rejects.toThrow(/JSON|content-type/i);
  });

  it('makes the JWKS unavailable (an outage) until the rule is cleared', async () => {
    await fault({ status: 503 }, 'jwks');
    expect((await fetch(`${issuer}/jwks`)).status).toBe(503);
    await idp.admin.faults.clear('default');
    expect((await fetch(`${issuer}/jwks`)).status).toBe(200);
  });
});
