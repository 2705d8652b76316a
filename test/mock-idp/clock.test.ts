import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';
import { browserlessLogin } from '../../harness/actors/browserless-login.ts';

const tenant = () => ({
  users: { alice: {} },
  clients: {
    service: { secret: 'service-secret', grants: ['client_credentials' as const], audience: 'api://x' },
    demo: { redirectUris: ['http://127.0.0.1:8080/callback'] },
  },
});
const idp = await startTestIdp({
  tenants: {
    shifted: { ...tenant(), clock: { offsetSeconds: -7200 } },
    frozen: { ...tenant(), clock: { frozenAt: '2030-01-01T00:00:00Z' } },
    normal: tenant(),
  },
});

async function appToken(name: string) {
  const rp = await relyingParty(idp.issuer(name), 'service', { secret: 'service-secret' });
  return decodeJwt((await oidc.clientCredentialsGrant(rp)).access_token);
}

describe('per-tenant clock', () => {
  it('stamps tokens with the tenant time: a clock two hours behind issues tokens that expired an hour ago', async () => {
    const claims = await appToken('shifted');
    const now = Math.floor(Date.now() / 1000);
    expect(claims.iat).toBeGreaterThanOrEqual(now - 7200 - 2);
    expect(claims.iat).toBeLessThanOrEqual(now - 7200 + 2);
    expect(claims.exp).toBeLessThan(now - 3500);
  });

  it('stamps every token of a frozen tenant with the frozen instant', async () => {
    const [first, second] = [await appToken('frozen'), await appToken('frozen')];
    expect(first.iat).toBe(Date.parse('2030-01-01T00:00:00Z') / 1000);
    expect(second.iat).toBe(first.iat);
  });

  it('leaves other tenants on real time', async () => {
    const claims = await appToken('normal');
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(5);
  });

  it('expires an authorization code when the clock moves past its lifetime', async () => {
    const rp = await relyingParty(idp.issuer('normal'), 'demo');
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: 'http://127.0.0.1:8080/callback',
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { callbackUrl } = await browserlessLogin({ authorizationUrl: url.toString(), redirectUri: 'http://127.0.0.1:8080/callback', username: 'alice' });
    await idp.admin.clock.advance('normal', 61);
    try {
      await expect(oidc.authorizationCodeGrant(rp, new URL(callbackUrl), { pkceCodeVerifier: verifier })).rejects.toMatchObject({ error: 'invalid_grant' });
    } finally {
      await idp.admin.clock.set('normal', { offsetSeconds: 0 });
    }
  });

  it('reports and changes the clock through the admin API', async () => {
    await idp.admin.clock.set('normal', { offsetSeconds: 300 });
    expect(await idp.admin.clock.get('normal')).toMatchObject({ offsetSeconds: 300 });
    await idp.admin.clock.set('normal', { freeze: true });
    const frozen = await idp.admin.clock.get('normal');
    expect(frozen.frozenAt).toBe(frozen.now);
    await idp.admin.clock.set('normal', { frozenAt: null, offsetSeconds: 0 });
    const back = await idp.admin.clock.get('normal');
    expect(back.frozenAt).toBeUndefined();
    expect(back.offsetSeconds).toBe(0);
  });

  it('issues ID tokens on the tenant clock, so a strict RP rejects the token of a tenant two hours behind as expired', async () => {
    const rp = await relyingParty(idp.issuer('shifted'), 'demo');
    const attempt = loginWithCode(rp, { username: 'alice' });
    await expect(attempt).rejects.toMatchObject({ code: 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', message: expect.stringContaining('timestamp') });
    await expect(attempt).rejects.toHaveProperty('cause.message', expect.stringContaining('"exp"'));
  });
});
