import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, exportSPKI, importJWK, jwtVerify, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRuleInput } from '../../../mock-idp/index.ts';
import { loginWithCode, relyingParty, startTestIdp } from '../../support/idp.ts';
import { rawLogin, serviceToken } from './support.ts';

const idp = await startTestIdp();
const issuer = idp.issuer('default');
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

afterEach(async () => {
  await idp.admin.faults.clear('default');
});

async function idTokenWith(token: NonNullable<FaultRuleInput['action']['token']>): Promise<{ idToken: string; nonce: string }> {
  await idp.admin.faults.add('default', { match: { endpoint: 'token', grant: 'authorization_code' }, action: { token } });
  const { body, nonce } = await rawLogin(idp);
  return { idToken: body['id_token']!, nonce };
}

async function accessTokenWith(token: NonNullable<FaultRuleInput['action']['token']>): Promise<string> {
  await idp.admin.faults.add('default', { match: { endpoint: 'token', client: 'service' }, action: { token: { ...token, of: 'access_token' } } });
  return ((await (await serviceToken(idp)).json()) as { access_token: string }).access_token;
}

const verify = (token: string) => jwtVerify(token, jwks, { issuer, audience: 'demo' });

describe('token content faults (ID tokens)', () => {
  it('an ID token re-signed with the tenant key still verifies when only a harmless claim changed', async () => {
    const { idToken } = await idTokenWith({ claims: { extra: 'x' } });
    const { payload } = await verify(idToken);
    expect(payload['extra']).toBe('x');
  });

  it('a wrong iss fails issuer validation', async () => {
    const { idToken } = await idTokenWith({ wrong: ['iss'] });
    await expect(verify(idToken)).rejects.toThrow(/unexpected "iss" claim value/);
  });

  it('a missing aud fails audience validation', async () => {
    const { idToken } = await idTokenWith({ remove: ['aud'] });
    await expect(verify(idToken)).rejects.toThrow(/missing required "aud" claim|unexpected "aud"/);
  });

  it('a wrong nonce makes openid-client refuse the login', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token', grant: 'authorization_code' }, action: { token: { wrong: ['nonce'] } } });
    const rp = await relyingParty(issuer, 'demo');
    await expect(loginWithCode(rp, { username: 'alice' })).rejects.toMatchObject({ cause: { message: expect.stringContaining('"nonce"') } });
  });

  it('a wrong at_hash, azp and sub are plausible values that differ from the real ones', async () => {
    const real = decodeJwt((await rawLogin(idp)).body['id_token']!);
    const { idToken } = await idTokenWith({ wrong: ['sub', 'azp', 'at_hash'] });
    const claims = decodeJwt(idToken);
    expect(claims.sub).not.toBe(real.sub);
    expect(claims['azp']).toBe('another-client');
    expect(claims['at_hash']).toMatch(/^[\w-]{22}$/);
  });

  it('an exp in the past makes the token expired', async () => {
    const { idToken } = await idTokenWith({ expiresIn: -300 });
    await expect(verify(idToken)).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('an nbf in the future makes the token not yet valid', async () => {
    const { idToken } = await idTokenWith({ notBeforeIn: 3600 });
    await expect(verify(idToken)).rejects.toThrow(/"nbf" claim timestamp check failed/);
  });

  it('an iat in the future and a year-long lifetime are written as asked', async () => {
    const { idToken } = await idTokenWith({ issuedIn: 600, expiresIn: 31_536_000 });
    const claims = decodeJwt(idToken);
    const now = Math.floor(Date.now() / 1000);
    expect(claims.iat! - now).toBeGreaterThanOrEqual(598);
    expect(claims.exp! - now).toBeGreaterThanOrEqual(31_535_990);
  });

  it('mistyped claims keep the type they were given', async () => {
    const { idToken } = await idTokenWith({ claims: { email_verified: 'yes', groups: 'admins', name: 42 } });
    expect(decodeJwt(idToken)).toMatchObject({ email_verified: 'yes', groups: 'admins', name: 42 });
  });

  it('a groups overage replaces groups with Entra-style claim sources', async () => {
    const { idToken } = await idTokenWith({ groupsOverage: true });
    const claims = decodeJwt(idToken);
    expect(claims['groups']).toBeUndefined();
    expect(claims['_claim_names']).toEqual({ groups: 'src1' });
    expect((claims['_claim_sources'] as Record<string, { endpoint: string }>)['src1']!.endpoint).toMatch(
      /^https:\/\/graph\.microsoft\.com\/v1\.0\/users\/.+\/getMemberObjects$/,
    );
  });

  it('an oversized token is at least the size asked, and still verifies', async () => {
    const { idToken } = await idTokenWith({ oversize: 20_000 });
    expect(idToken.length).toBeGreaterThanOrEqual(20_000);
    await expect(verify(idToken)).resolves.toBeDefined();
  });
});

describe('token content faults as openid-client sees them', () => {
  const refusals: Array<[string, NonNullable<FaultRuleInput['action']['token']>, RegExp]> = [
    ['another issuer (rp-id_token-issuer-mismatch)', { wrong: ['iss'] }, /"iss"/],
    ['another audience (rp-id_token-aud)', { wrong: ['aud'] }, /"aud"/],
    ['no iat (rp-id_token-iat)', { remove: ['iat'] }, /"iat"/],
    ['no sub (rp-id_token-sub)', { remove: ['sub'] }, /"sub"/],
    ['several audiences and the azp of another client', { claims: { aud: ['demo', 'another-client'] }, wrong: ['azp'] }, /"azp"/],
    ['an nbf an hour ahead', { notBeforeIn: 3600 }, /"nbf"/],
  ];
  for (const [name, token, reason] of refusals) {
    it(`openid-client refuses an ID token with ${name}`, async () => {
      await idp.admin.faults.add('default', { match: { endpoint: 'token', grant: 'authorization_code' }, action: { token } });
      const rp = await relyingParty(issuer, 'demo');
      await expect(loginWithCode(rp, { username: 'alice' })).rejects.toMatchObject({ cause: { message: expect.stringMatching(reason) } });
    });
  }
});

describe('signature and header faults', () => {
  it('a flipped signature byte fails signature verification', async () => {
    const { idToken } = await idTokenWith({ sign: 'bad-signature' });
    await expect(verify(idToken)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('alg none comes without a signature and is refused', async () => {
    const { idToken } = await idTokenWith({ sign: 'none' });
    expect(decodeProtectedHeader(idToken).alg).toBe('none');
    expect(idToken.endsWith('.')).toBe(true);
    await expect(verify(idToken)).rejects.toThrow();
  });

  it('HS256 keyed with the RSA public key verifies with that PEM as an HMAC secret, and not against the JWKS', async () => {
    const { idToken } = await idTokenWith({ sign: 'hs256-public-key' });
    const header = decodeProtectedHeader(idToken);
    expect(header.alg).toBe('HS256');
    const published = ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: JWK[] }).keys.find((key) => key.kid === header.kid)!;
    const pem = await exportSPKI((await importJWK({ ...published, alg: 'RS256' }, 'RS256', { extractable: true })) as CryptoKey);
    await expect(jwtVerify(idToken, new TextEncoder().encode(pem), { algorithms: ['HS256'] })).resolves.toBeDefined();
    await expect(verify(idToken)).rejects.toThrow();
  });

  it('a key the JWKS does not publish leaves the verifier without a matching key', async () => {
    const { idToken } = await idTokenWith({ sign: 'unpublished-key' });
    await expect(verify(idToken)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('a published kid on another key fails signature verification', async () => {
    const { idToken } = await idTokenWith({ sign: 'reused-kid' });
    const kids = ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: JWK[] }).keys.map((key) => key.kid);
    expect(kids).toContain(decodeProtectedHeader(idToken).kid);
    await expect(verify(idToken)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('an unknown kid leaves the verifier without a matching key', async () => {
    const { idToken } = await idTokenWith({ sign: 'unknown-kid' });
    await expect(verify(idToken)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('a missing kid and a changed typ are written as asked, signed with the tenant key', async () => {
    const { idToken } = await idTokenWith({ header: { kid: null, typ: 'at+jwt' } });
    const header = decodeProtectedHeader(idToken);
    expect(header.kid).toBeUndefined();
    expect(header.typ).toBe('at+jwt');
  });
});

describe('token faults on JWT access tokens', () => {
  it('rewrites the access token of a client_credentials response and leaves the rest', async () => {
    const token = await accessTokenWith({ expiresIn: -60 });
    await expect(jwtVerify(token, jwks, { issuer })).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('an id_token rule leaves access tokens alone', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { token: { sign: 'none' } } });
    const token = ((await (await serviceToken(idp)).json()) as { access_token: string }).access_token;
    await expect(jwtVerify(token, jwks, { issuer })).resolves.toBeDefined();
  });

  it('openid-client refuses a login whose ID token expired, and accepts the next one once the rule is gone', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token', grant: 'authorization_code' }, action: { token: { expiresIn: -300 } } });
    const rp = await relyingParty(issuer, 'demo');
    await expect(loginWithCode(rp, { username: 'alice' })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/exp/) } });
    await idp.admin.faults.clear('default');
    await expect(loginWithCode(rp, { username: 'alice' })).resolves.toBeDefined();
  });
});
