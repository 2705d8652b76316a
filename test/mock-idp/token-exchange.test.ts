import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';

const REDIRECT = 'http://127.0.0.1:8080/callback';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const TYPE = {
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  refresh_token: 'urn:ietf:params:oauth:token-type:refresh_token',
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
};

const idp = await startTestIdp({
  tenants: {
    default: {
      users: { alice: { email: 'alice@example.test' }, bob: {} },
      clients: {
        web: { secret: 'web-secret', redirectUris: [REDIRECT] },
        gateway: { secret: 'gateway-secret', grants: ['token_exchange'], exchangeAudiences: ['api://orders'] },
        narrow: { secret: 'narrow-secret', grants: ['token_exchange'] },
        service: { secret: 'service-secret', grants: ['client_credentials'], audience: 'api://gateway' },
      },
      trustedIssuers: [{ tenant: 'partner' }],
    },
    partner: { users: { alice: { email: 'alice@example.test' } }, clients: { app: { secret: 'app-secret', grants: ['client_credentials'] } } },
    evil: { users: { alice: {} } },
    realm: {
      profile: 'keycloak',
      users: { alice: {} },
      clients: {
        frontend: { redirectUris: [REDIRECT] },
        backend: { secret: 'backend-secret', grants: ['authorization_code', 'token_exchange'], redirectUris: [REDIRECT], exchangeAudiences: ['*'] },
        reports: { secret: 'reports-secret', grants: ['client_credentials'] },
      },
    },
  },
});
const issuer = idp.issuer('default');
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

const gateway = await relyingParty(issuer, 'gateway', { secret: 'gateway-secret' });

function exchange(parameters: Record<string, string>, config = gateway) {
  return oidc.genericGrantRequest(config, TOKEN_EXCHANGE, parameters);
}

async function refused(parameters: Record<string, string>, config = gateway): Promise<{ error: string; error_description: string }> {
  try {
    await exchange(parameters, config);
  } catch (error) {
    return error as { error: string; error_description: string };
  }
  throw new Error('the exchange was not refused');
}

async function aliceTokens() {
  const rp = await relyingParty(issuer, 'web', { secret: 'web-secret' });
  return (await loginWithCode(rp, { username: 'alice', scope: 'openid profile email' })).tokens;
}

const serviceToken = async () => (await oidc.clientCredentialsGrant(await relyingParty(issuer, 'service', { secret: 'service-secret' }))).access_token;

describe('token exchange (RFC 8693) with openid-client', () => {
  it("trades a user's access token for a JWT access token for another audience", async () => {
    const { access_token } = await aliceTokens();
    const answer = await exchange({ subject_token: access_token, subject_token_type: TYPE.access_token, audience: 'api://orders' });
    expect(answer).toMatchObject({ issued_token_type: TYPE.access_token, token_type: 'bearer', scope: 'openid profile email' });
    const { payload, protectedHeader } = await jwtVerify(answer.access_token, jwks, { issuer, audience: 'api://orders', typ: 'at+jwt' });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ sub: 'alice', client_id: 'gateway', scope: 'openid profile email' });
    expect(payload).not.toHaveProperty('act');
  });

  it('narrows the scope to what is asked, and refuses more than the subject token had with invalid_scope', async () => {
    const { access_token } = await aliceTokens();
    expect((await exchange({ subject_token: access_token, subject_token_type: TYPE.access_token, audience: 'api://orders', scope: 'openid' })).scope).toBe(
      'openid',
    );
    expect(
      await refused({ subject_token: access_token, subject_token_type: TYPE.access_token, audience: 'api://orders', scope: 'openid admin' }),
    ).toMatchObject({ error: 'invalid_scope', error_description: expect.stringContaining('scope admin is more than the subject token grants') });
  });

  it('says who acts for whom with an actor token (act), nesting the earlier actor on a second exchange', async () => {
    const { access_token } = await aliceTokens();
    const actor = await serviceToken();
    const first = await exchange({
      subject_token: access_token,
      subject_token_type: TYPE.access_token,
      actor_token: actor,
      actor_token_type: TYPE.access_token,
      audience: 'gateway',
    });
    expect(decodeJwt(first.access_token)).toMatchObject({ sub: 'alice', act: { sub: 'service' } });
    const partnerActor = (await idp.admin.mint('partner', { type: 'access_token', user: 'alice', client: 'app' })).token;
    const second = await exchange({
      subject_token: first.access_token,
      subject_token_type: TYPE.jwt,
      actor_token: partnerActor,
      actor_token_type: TYPE.jwt,
      audience: 'api://orders',
    });
    expect(decodeJwt(second.access_token)).toMatchObject({ sub: 'alice', act: { sub: 'alice', iss: idp.issuer('partner'), act: { sub: 'service' } } });
  });

  it("refuses an actor the subject token's may_act does not name", async () => {
    const subject = (await idp.admin.mint('default', { type: 'access_token', user: 'alice', client: 'web', claims: { may_act: { sub: 'someone-else' } } }))
      .token;
    expect(
      await refused({ subject_token: subject, subject_token_type: TYPE.jwt, actor_token: await serviceToken(), actor_token_type: TYPE.access_token }),
    ).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('may_act') });
  });

  it('takes a refresh token as the subject, and issues an ID token for the requesting client', async () => {
    const { refresh_token } = await aliceTokens();
    const fromRefresh = await exchange({ subject_token: refresh_token!, subject_token_type: TYPE.refresh_token, audience: 'api://orders' });
    expect(decodeJwt(fromRefresh.access_token).sub).toBe('alice');
    const { id_token } = await aliceTokens();
    const idToken = await exchange({ subject_token: id_token!, subject_token_type: TYPE.id_token, requested_token_type: TYPE.id_token });
    expect(idToken).toMatchObject({ issued_token_type: TYPE.id_token, token_type: 'n_a' });
    expect((await jwtVerify(idToken.access_token, jwks, { issuer, audience: 'gateway' })).payload).toMatchObject({ sub: 'alice', email: 'alice@example.test' });
  });

  it('trusts a JWT of a trusted tenant and maps its subject to the local user; refuses an untrusted issuer', async () => {
    const partnerToken = (await idp.admin.mint('partner', { type: 'access_token', user: 'alice', client: 'app', scope: 'read' })).token;
    const answer = await exchange({ subject_token: partnerToken, subject_token_type: TYPE.jwt, audience: 'api://orders' });
    expect(decodeJwt(answer.access_token)).toMatchObject({ iss: issuer, sub: 'alice', scope: 'read' });
    const evilToken = (await idp.admin.mint('evil', { type: 'access_token', user: 'alice' })).token;
    expect(await refused({ subject_token: evilToken, subject_token_type: TYPE.jwt })).toMatchObject({
      error: 'invalid_request',
      error_description: `subject_token is issued by ${idp.issuer('evil')}, which tenant "default" does not trust: add it to the tenant's trustedIssuers`,
    });
  });

  it('refuses an audience the client may not have with invalid_target, naming the fix', async () => {
    const { access_token } = await aliceTokens();
    expect(await refused({ subject_token: access_token, subject_token_type: TYPE.access_token, audience: 'api://payroll' })).toMatchObject({
      error: 'invalid_target',
      error_description: 'client "gateway" may not get tokens for "api://payroll": add it to the client\'s exchangeAudiences',
    });
    const narrow = await relyingParty(issuer, 'narrow', { secret: 'narrow-secret' });
    expect(decodeJwt((await exchange({ subject_token: access_token, subject_token_type: TYPE.access_token }, narrow)).access_token).aud).toBe('narrow');
  });

  it('refuses missing and unusable parameters with invalid_request naming them', async () => {
    const { access_token } = await aliceTokens();
    expect((await refused({ subject_token_type: TYPE.access_token })).error_description).toBe('subject_token is missing: send the token to exchange');
    expect((await refused({ subject_token: access_token, subject_token_type: 'urn:x:opaque' })).error_description).toMatch(
      /^subject_token_type "urn:x:opaque" is not supported: use one of urn:ietf:params:oauth:token-type:access_token/,
    );
    expect((await refused({ subject_token: access_token, subject_token_type: TYPE.access_token, actor_token: access_token })).error_description).toBe(
      'actor_token and actor_token_type go together: send both or neither',
    );
    expect(
      (await refused({ subject_token: access_token, subject_token_type: TYPE.access_token, requested_token_type: TYPE.refresh_token })).error_description,
    ).toContain('is not issued by token exchange here');
    expect(await refused({ subject_token: 'never-issued', subject_token_type: TYPE.access_token })).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('is not a live access token'),
    });
    expect(
      await refused({ subject_token: access_token, subject_token_type: TYPE.access_token, audience: 'api://orders', resource: 'https://other.test' }),
    ).toMatchObject({ error: 'invalid_target' });
  });

  it('refuses an expired subject token', async () => {
    const expired = (await idp.admin.mint('default', { type: 'access_token', user: 'alice', client: 'web', ttlSeconds: -60 })).token;
    expect(await refused({ subject_token: expired, subject_token_type: TYPE.jwt })).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('"exp" claim timestamp check failed'),
    });
  });

  it('issues tokens that introspect as active and can be revoked', async () => {
    const { access_token } = await aliceTokens();
    const exchanged = (await exchange({ subject_token: access_token, subject_token_type: TYPE.access_token, audience: 'api://orders' })).access_token;
    expect(await oidc.tokenIntrospection(gateway, exchanged)).toMatchObject({ active: true, sub: 'alice', aud: 'api://orders' });
    await oidc.tokenRevocation(gateway, exchanged);
    expect(await oidc.tokenIntrospection(gateway, exchanged)).toMatchObject({ active: false });
  });

  it('lists token exchange and JWT bearer in discovery', async () => {
    const document = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { grant_types_supported: string[] };
    expect(document.grant_types_supported).toEqual(expect.arrayContaining([TOKEN_EXCHANGE, 'urn:ietf:params:oauth:grant-type:jwt-bearer']));
  });

  it('refuses the grant to a client that is not registered for it', async () => {
    const web = await relyingParty(issuer, 'web', { secret: 'web-secret' });
    const { access_token } = await aliceTokens();
    expect(await refused({ subject_token: access_token, subject_token_type: TYPE.access_token }, web)).toMatchObject({
      error: expect.stringMatching(/invalid_request|unauthorized_client/),
    });
  });
});

describe('token exchange in the keycloak profile (standard token exchange v2)', () => {
  const realm = idp.issuer('realm');

  async function realmToken(client: string, secret?: string) {
    const rp = await relyingParty(realm, client, secret ? { secret } : {});
    return (await loginWithCode(rp, { username: 'alice', scope: 'openid' })).tokens;
  }

  it('lets a client exchange a realm token issued to it, or with it in the audience, for another client of the realm', async () => {
    const backend = await relyingParty(realm, 'backend', { secret: 'backend-secret' });
    const own = (await realmToken('backend', 'backend-secret')).access_token;
    expect(decodeJwt((await exchange({ subject_token: own, subject_token_type: TYPE.access_token, audience: 'reports' }, backend)).access_token)).toMatchObject(
      { sub: 'alice', aud: 'reports', iss: realm },
    );
    // Keycloak puts clients into aud with audience mappers; minted here, as such a token would be.
    const forBackend = (await idp.admin.mint('realm', { type: 'access_token', user: 'alice', client: 'frontend', audience: ['backend', 'account'] })).token;
    expect((await exchange({ subject_token: forBackend, subject_token_type: TYPE.access_token }, backend)).issued_token_type).toBe(TYPE.access_token);
  });

  it('refuses a token of another client that does not name the requester in its audience', async () => {
    const backend = await relyingParty(realm, 'backend', { secret: 'backend-secret' });
    const frontend = (await realmToken('frontend')).access_token;
    expect(await refused({ subject_token: frontend, subject_token_type: TYPE.access_token }, backend)).toMatchObject({
      error: 'invalid_request',
      error_description: 'Client is not within the token audience',
    });
  });

  it('refuses an audience that is no client of the realm, and subject tokens that are not realm access tokens', async () => {
    const backend = await relyingParty(realm, 'backend', { secret: 'backend-secret' });
    const tokens = await realmToken('backend', 'backend-secret');
    expect(
      (await refused({ subject_token: tokens.access_token, subject_token_type: TYPE.access_token, audience: 'api://nowhere' }, backend)).error_description,
    ).toBe('Audience not found: "api://nowhere" is not a client of realm master');
    expect((await refused({ subject_token: tokens.id_token!, subject_token_type: TYPE.id_token }, backend)).error_description).toContain(
      'standard token exchange takes access tokens of realm master only',
    );
  });
});
