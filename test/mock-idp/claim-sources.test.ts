import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { defaultTenant } from '../../mock-idp/index.ts';
import { loginWithCode, relyingParty, startTestIdp } from '../support/idp.ts';

/* Aggregated and distributed claims (OpenID Connect Core 5.6.2), the IdP acting as their claims provider. */

const idp = await startTestIdp({
  tenants: {
    default: {
      ...defaultTenant,
      users: {
        ...defaultTenant.users,
        carol: { email: 'carol@example.test', aggregatedClaims: { shoe_size: '8' }, distributedClaims: { payment_info: 'Visa' } },
      },
    },
  },
});
const issuer = idp.issuer('default');
const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));

async function userinfoOf(username: string): Promise<Record<string, unknown>> {
  const rp = await relyingParty(issuer, 'demo');
  const { tokens } = await loginWithCode(rp, { username });
  return (await oidc.fetchUserInfo(rp, tokens.access_token, oidc.skipSubjectCheck)) as Record<string, unknown>;
}

describe('claim sources in userinfo', () => {
  it('names aggregated claims with a JWT signed by the tenant, and distributed ones with the claims endpoint and an access token', async () => {
    const userinfo = await userinfoOf('carol');
    expect(userinfo['_claim_names']).toEqual({ shoe_size: 'aggregated', payment_info: 'distributed' });
    const sources = userinfo['_claim_sources'] as { aggregated: { JWT: string }; distributed: { endpoint: string; access_token: string } };
    const { payload } = await jwtVerify(sources.aggregated.JWT, keys, { issuer });
    expect(payload).toMatchObject({ sub: 'carol', shoe_size: '8' });
    expect(sources.distributed.endpoint).toBe(`${issuer}/claims`);

    const answer = await fetch(sources.distributed.endpoint, { headers: { authorization: `Bearer ${sources.distributed.access_token}` } });
    expect(answer.headers.get('content-type')).toMatch(/^application\/jwt/);
    expect((await jwtVerify(await answer.text(), keys, { issuer })).payload).toMatchObject({ sub: 'carol', payment_info: 'Visa' });
  });

  it('keeps them out of the ID token and out of the userinfo of users without such claims', async () => {
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'carol' });
    expect(decodeJwt(tokens.id_token!)['_claim_names']).toBeUndefined();
    expect((await userinfoOf('alice'))['_claim_sources']).toBeUndefined();
  });

  it('answers 401 at the claims endpoint without a valid access token', async () => {
    const response = await fetch(`${issuer}/claims`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
  });
});
