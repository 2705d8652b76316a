import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { SignJWT, createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const REDIRECT = 'http://127.0.0.1:8080/callback';
const OUTSIDE = 'https://idp.outside.test';

// An outside issuer whose public key the tenant is given in its configuration.
const outsideKey = await generateKeyPair('ES256');
const outsideJwk = { ...(await exportJWK(outsideKey.publicKey)), kid: 'outside-1', alg: 'ES256' };

const idp = await startTestIdp({
  tenants: {
    default: {
      users: { alice: { email: 'alice@example.test' }, bob: {} },
      clients: { batch: { secret: 'batch-secret', grants: ['jwt_bearer'], audience: 'api://reports' } },
      trustedIssuers: [{ tenant: 'partner' }, { issuer: OUTSIDE, jwks: { keys: [outsideJwk] }, userClaim: 'email' }],
    },
    partner: { users: { alice: {} } },
    contoso: {
      profile: 'entra',
      users: { megan: { name: 'Megan Bowen', email: 'megan@contoso.test' } },
      clients: {
        spa: { redirectUris: [REDIRECT], audience: 'api://middle-tier' },
        'middle-tier': { secret: 'middle-secret', grants: ['jwt_bearer'], audience: 'api://middle-tier', exchangeAudiences: ['api://downstream'] },
      },
    },
  },
});
const issuer = idp.issuer('default');
const batch = await relyingParty(issuer, 'batch', { secret: 'batch-secret' });

async function refused(
  config: oidc.Configuration,
  parameters: Record<string, string>,
): Promise<{ error: string; error_description: string; error_codes?: number[] }> {
  try {
    await oidc.genericGrantRequest(config, JWT_BEARER, parameters);
  } catch (error) {
    // openid-client keeps the whole error body (Entra's error_codes too) as the cause
    return { ...((error as { cause?: object }).cause ?? {}), ...(error as { error: string; error_description: string }) } as {
      error: string;
      error_description: string;
    };
  }
  throw new Error('the grant was not refused');
}

const outsideAssertion = (claims: Record<string, unknown>) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: OUTSIDE, aud: issuer, sub: 'user-7', email: 'alice@example.test', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'outside-1' })
    .sign(outsideKey.privateKey);
};

describe('JWT bearer grant (RFC 7523) with openid-client', () => {
  it('trades an assertion from a trusted tenant, addressed to this issuer, for an access token of the user', async () => {
    const assertion = (await idp.admin.mint('partner', { type: 'id_token', user: 'alice', audience: issuer })).token;
    const answer = await oidc.genericGrantRequest(batch, JWT_BEARER, { assertion, scope: 'reports.read' });
    expect(answer).toMatchObject({ token_type: 'bearer', scope: 'reports.read' });
    const { payload } = await jwtVerify(answer.access_token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: 'api://reports' });
    expect(payload).toMatchObject({ sub: 'alice', client_id: 'batch', scope: 'reports.read' });
  });

  it('trades an assertion of an outside issuer whose keys are configured, finding the user by email', async () => {
    const answer = await oidc.genericGrantRequest(batch, JWT_BEARER, { assertion: await outsideAssertion({}) });
    expect(decodeJwt(answer.access_token).sub).toBe('alice');
  });

  it('accepts the token endpoint URL as the assertion audience', async () => {
    const answer = await oidc.genericGrantRequest(batch, JWT_BEARER, { assertion: await outsideAssertion({ aud: `${issuer}/token` }) });
    expect(decodeJwt(answer.access_token).sub).toBe('alice');
  });

  it('refuses assertions for another audience, expired, badly signed, of an unknown user or an untrusted issuer with invalid_grant and the reason', async () => {
    expect(await refused(batch, { assertion: await outsideAssertion({ aud: 'https://elsewhere.test' }) })).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('its aud must be this issuer'),
    });
    expect(await refused(batch, { assertion: await outsideAssertion({ exp: Math.floor(Date.now() / 1000) - 60 }) })).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('"exp" claim timestamp check failed'),
    });
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({ iss: OUTSIDE, aud: issuer, sub: 'x', email: 'alice@example.test' })
      .setProtectedHeader({ alg: 'ES256', kid: 'outside-1' })
      .setExpirationTime('5m')
      .sign(other.privateKey);
    expect(await refused(batch, { assertion: forged })).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('signature verification failed'),
    });
    expect(await refused(batch, { assertion: await outsideAssertion({ email: 'nobody@example.test' }) })).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('no user of tenant "default"'),
    });
    const noExp = await new SignJWT({ iss: OUTSIDE, aud: issuer, sub: 'x', email: 'alice@example.test' })
      .setProtectedHeader({ alg: 'ES256', kid: 'outside-1' })
      .sign(outsideKey.privateKey);
    expect(await refused(batch, { assertion: noExp })).toMatchObject({
      error: 'invalid_grant',
      error_description: 'the assertion has no exp (RFC 7523 section 3 requires one)',
    });
    const untrusted = await new SignJWT({ iss: 'https://unknown.test', aud: issuer, sub: 'x' })
      .setProtectedHeader({ alg: 'ES256' })
      .setExpirationTime('5m')
      .sign(other.privateKey);
    expect(await refused(batch, { assertion: untrusted })).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('does not trust'),
    });
  });

  it('refuses a request without an assertion with invalid_request', async () => {
    expect(await refused(batch, {})).toMatchObject({ error: 'invalid_request', error_description: 'assertion is missing: send the signed JWT to trade' });
  });

  it('refuses requested_token_use=on_behalf_of outside the entra profile, saying where it belongs', async () => {
    expect(await refused(batch, { assertion: await outsideAssertion({}), requested_token_use: 'on_behalf_of', scope: 'api://x/.default' })).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('give this tenant the entra profile'),
    });
  });
});

describe('Entra on-behalf-of (entra profile)', () => {
  const contoso = idp.issuer('contoso');

  async function meganAccessToken() {
    const spa = await relyingParty(contoso, 'spa');
    return (await loginWithCode(spa, { username: 'megan', scope: 'openid profile api://middle-tier/access' })).tokens.access_token;
  }

  it("trades the user's token for the middle tier for a token for the downstream API, shaped like Entra's", async () => {
    const middle = await relyingParty(contoso, 'middle-tier', { secret: 'middle-secret' });
    const answer = await oidc.genericGrantRequest(middle, JWT_BEARER, {
      assertion: await meganAccessToken(),
      requested_token_use: 'on_behalf_of',
      scope: 'api://downstream/.default offline_access',
    });
    expect(answer).toMatchObject({ token_type: 'bearer', scope: 'api://downstream/.default', ext_expires_in: answer.expires_in });
    const { payload } = await jwtVerify(
      answer.access_token,
      createRemoteJWKSet(
        new URL((await oidc.discovery(new URL(contoso), 'spa', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] })).serverMetadata().jwks_uri!),
      ),
      { issuer: contoso, audience: 'api://downstream' },
    );
    expect(payload).toMatchObject({
      azp: 'middle-tier',
      ver: '2.0',
      scp: 'user_impersonation',
      name: 'Megan Bowen',
      preferred_username: 'megan@contoso.test',
      oid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("refuses an assertion for another app with Entra's AADSTS50013 envelope", async () => {
    const spaToken = (await idp.admin.mint('contoso', { type: 'access_token', user: 'megan', client: 'spa', audience: 'api://someone-else' })).token;
    const middle = await relyingParty(contoso, 'middle-tier', { secret: 'middle-secret' });
    const answer = await refused(middle, { assertion: spaToken, requested_token_use: 'on_behalf_of', scope: 'api://downstream/.default' });
    expect(answer).toMatchObject({
      error: 'invalid_grant',
      error_codes: [50013],
      error_description: expect.stringMatching(/^AADSTS50013: Assertion audience does not match the Client app presenting the assertion/),
    });
  });

  it('refuses a downstream resource the middle tier may not call', async () => {
    const middle = await relyingParty(contoso, 'middle-tier', { secret: 'middle-secret' });
    const answer = await refused(middle, {
      assertion: await meganAccessToken(),
      requested_token_use: 'on_behalf_of',
      scope: 'https://graph.microsoft.com/User.Read',
    });
    expect(answer).toMatchObject({ error: 'invalid_target', error_codes: [500011] });
  });
});
