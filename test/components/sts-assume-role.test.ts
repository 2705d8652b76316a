import { describe, expect, it } from 'vitest';
import { AssumeRoleWithWebIdentityCommand, ExpiredTokenException, InvalidIdentityTokenException, STSClient } from '@aws-sdk/client-sts';
import { decodeJwt } from 'jose';
import { startSts, type StsOptions } from '../../components/index.ts';
import { signAsIdp, startComponentIdp } from './support/idp.ts';
import { started } from './support/components.ts';
import { hmacWithPublicKey, remint, signedWithForeignKey, unsigned } from './support/bad-tokens.ts';
import { ROLE_ARN, assumeParams, stsCall, stsError } from './support/sts.ts';

const idp = await startComponentIdp();
const issuer = idp.issuer('default');
const base: StsOptions = {
  issuer,
  clientIds: ['sts-client'],
  roles: [{ name: 'web-identity' }, { name: 'one-hour', maxSessionSeconds: 3600 }, { name: 'admin' }],
};
const aws = await started(startSts(base));
/** An STS whose clock stands still, so lifetimes can be compared exactly. */
const frozenAt = Math.floor(Date.now() / 1000) * 1000;
const frozen = await started(startSts({ ...base, now: () => frozenAt }));
const minio = await started(startSts({ ...base, flavour: 'minio' }));

async function idToken(options: { user?: string; claims?: Record<string, unknown>; ttlSeconds?: number; client?: string } = {}) {
  return (
    await idp.admin.mint('default', {
      user: options.user ?? 'alice',
      client: options.client ?? 'sts-client',
      claims: options.claims ?? {},
      ttlSeconds: options.ttlSeconds ?? 3600,
    })
  ).token;
}
const assume = async (params: Record<string, string>, url = aws.url) => stsCall(url, params);
const sdk = new STSClient({ endpoint: aws.url, region: 'us-east-1', maxAttempts: 1 });

describe('sts: AssumeRoleWithWebIdentity with the AWS SDK', () => {
  it('returns temporary credentials, the assumed role and the token subject to @aws-sdk/client-sts', async () => {
    const out = await sdk.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'alice-session', WebIdentityToken: await idToken() }),
    );
    expect(out.Credentials).toMatchObject({
      AccessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
      SecretAccessKey: expect.stringMatching(/^.{40}$/),
      SessionToken: expect.any(String),
    });
    expect(out.AssumedRoleUser).toEqual({
      Arn: 'arn:aws:sts::123456789012:assumed-role/web-identity/alice-session',
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:alice-session$/),
    });
    expect(out).toMatchObject({ SubjectFromWebIdentityToken: 'alice', Audience: 'sts-client', Provider: issuer });
  });

  it('issues credentials for one hour by default', async () => {
    const client = new STSClient({ endpoint: frozen.url, region: 'us-east-1', maxAttempts: 1 });
    const out = await client.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'alice-session', WebIdentityToken: await idToken() }),
    );
    expect(out.Credentials!.Expiration!.getTime()).toBe(frozenAt + 3600_000);
  });

  it('issues credentials for DurationSeconds', async () => {
    const client = new STSClient({ endpoint: frozen.url, region: 'us-east-1', maxAttempts: 1 });
    const out = await client.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 's1', WebIdentityToken: await idToken(), DurationSeconds: 43200 }),
    );
    expect(out.Credentials!.Expiration!.getTime()).toBe(frozenAt + 43200_000);
  });

  it('raises ExpiredTokenException in the SDK for an expired token', async () => {
    const attempt = sdk.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 's1', WebIdentityToken: await idToken({ ttlSeconds: -300 }) }),
    );
    await expect(attempt).rejects.toBeInstanceOf(ExpiredTokenException);
  });

  it('raises InvalidIdentityTokenException in the SDK for a token of another audience', async () => {
    const attempt = sdk.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 's1', WebIdentityToken: await idToken({ client: 'lakefs' }) }),
    );
    await expect(attempt).rejects.toBeInstanceOf(InvalidIdentityTokenException);
  });
});

describe('sts: AssumeRoleWithWebIdentity wire format (aws flavour)', () => {
  it('answers XML in the STS namespace with a request id header', async () => {
    const reply = await assume(assumeParams(await idToken()));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(reply.xml['AssumeRoleWithWebIdentityResponse']['@_xmlns']).toBe('https://sts.amazonaws.com/doc/2011-06-15/');
    expect(reply.xml['AssumeRoleWithWebIdentityResponse']['ResponseMetadata']['RequestId']).toBe(reply.headers.get('x-amzn-requestid'));
  });

  it('answers errors as ErrorResponse with Type Sender, Code, Message and RequestId', async () => {
    const reply = await assume(assumeParams(await idToken({ ttlSeconds: -300 })));
    expect(reply.status).toBe(400);
    expect(reply.xml['ErrorResponse']).toMatchObject({
      Error: { Type: 'Sender', Code: 'ExpiredTokenException', Message: expect.stringContaining('expired') },
      RequestId: reply.headers.get('x-amzn-requestid'),
    });
  });

  it('accepts the legacy GET query-string form', async () => {
    const reply = await stsCall(aws.url, assumeParams(await idToken()), { method: 'GET' });
    expect(reply.status).toBe(200);
  });

  it('reports the packed policy size when a session policy is given', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const reply = await assume(assumeParams(await idToken(), { Policy: policy }));
    expect(Number(reply.xml['AssumeRoleWithWebIdentityResponse']['AssumeRoleWithWebIdentityResult']['PackedPolicySize'])).toBeGreaterThan(0);
  });
});

describe('sts: AssumeRoleWithWebIdentity parameters (aws flavour)', () => {
  const cases: Array<[string, Record<string, string | undefined>, number, string]> = [
    ['DurationSeconds 899', { DurationSeconds: '899' }, 400, 'ValidationError'],
    ['DurationSeconds 43201', { DurationSeconds: '43201' }, 400, 'ValidationError'],
    ['DurationSeconds abc', { DurationSeconds: 'abc' }, 400, 'InvalidParameterValue'],
    [
      'DurationSeconds 7200 for a role with a one-hour maximum',
      { DurationSeconds: '7200', RoleArn: 'arn:aws:iam::123456789012:role/one-hour' },
      400,
      'ValidationError',
    ],
    ['RoleSessionName of 1 character', { RoleSessionName: 'a' }, 400, 'ValidationError'],
    ['RoleSessionName of 65 characters', { RoleSessionName: 'a'.repeat(65) }, 400, 'ValidationError'],
    ['RoleSessionName with a space', { RoleSessionName: 'alice session' }, 400, 'ValidationError'],
    ['no RoleSessionName', { RoleSessionName: undefined }, 400, 'MissingParameter'],
    ['no RoleArn', { RoleArn: undefined }, 400, 'MissingParameter'],
    ['a RoleArn that is no ARN', { RoleArn: 'role/web-identity-but-not-an-arn' }, 400, 'ValidationError'],
    ['a RoleArn of an unknown role', { RoleArn: 'arn:aws:iam::123456789012:role/nobody' }, 403, 'AccessDenied'],
    ['a RoleArn of another account', { RoleArn: 'arn:aws:iam::999999999999:role/web-identity' }, 403, 'AccessDenied'],
    ['no WebIdentityToken', { WebIdentityToken: undefined }, 400, 'MissingParameter'],
    ['a WebIdentityToken of 3 characters', { WebIdentityToken: 'abc' }, 400, 'ValidationError'],
    ['a WebIdentityToken of 20001 characters', { WebIdentityToken: 'a'.repeat(20001) }, 400, 'ValidationError'],
    ['a Policy that is not JSON', { Policy: '{not json' }, 400, 'MalformedPolicyDocument'],
    ['a Policy without Statement', { Policy: '{"Version":"2012-10-17"}' }, 400, 'MalformedPolicyDocument'],
    ['a Policy of 2049 characters', { Policy: `{"Version":"2012-10-17","Statement":[],"x":"${'a'.repeat(2049 - 46)}"}` }, 400, 'ValidationError'],
    ['Version 2011-06-14', { Version: '2011-06-14' }, 400, 'InvalidAction'],
    ['no Version', { Version: undefined }, 400, 'MissingParameter'],
    ['an unknown Action', { Action: 'AssumeRoot' }, 400, 'InvalidAction'],
    ['no Action', { Action: undefined }, 400, 'MissingAction'],
  ];
  for (const [what, change, status, code] of cases) {
    it(`answers ${status} ${code} for ${what}`, async () => {
      const params: Record<string, string> = assumeParams(await idToken());
      for (const [key, value] of Object.entries(change)) {
        if (value === undefined) delete params[key];
        else params[key] = value;
      }
      const reply = await assume(params);
      expect({ status: reply.status, code: stsError(reply)?.Code }).toEqual({ status, code });
    });
  }

  it('accepts DurationSeconds 900 and 43200 (the bounds)', async () => {
    expect((await assume(assumeParams(await idToken(), { DurationSeconds: '900' }))).status).toBe(200);
    expect((await assume(assumeParams(await idToken(), { DurationSeconds: '43200' }))).status).toBe(200);
  });

  it('answers 400 naming the parameter when it is given twice', async () => {
    const token = await idToken();
    const body = `${new URLSearchParams(assumeParams(token))}&WebIdentityToken=${token}`;
    const response = await fetch(`${aws.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('WebIdentityToken: the parameter is given more than once');
  });

  it('answers 413 RequestEntityTooLarge for a body over 64 KiB', async () => {
    const reply = await assume(assumeParams('x'.repeat(70_000)));
    expect({ status: reply.status, code: stsError(reply)?.Code }).toEqual({ status: 413, code: 'RequestEntityTooLarge' });
  });

  it('answers MissingAction for a JSON body, naming the form encoding to use', async () => {
    const response = await fetch(`${aws.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(assumeParams('abcd')),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('application/x-www-form-urlencoded');
  });
});

describe('sts: web identity token validation (aws flavour)', () => {
  const code = async (token: string) => {
    const reply = await assume(assumeParams(token));
    return { status: reply.status, code: stsError(reply)?.Code, message: stsError(reply)?.Message };
  };

  it('accepts an aud array that contains the client id when azp names it', async () => {
    expect((await code(await idToken({ claims: { aud: ['sts-client', 'other'], azp: 'sts-client' } }))).status).toBe(200);
  });

  it('rejects an aud array without azp with InvalidIdentityToken', async () => {
    expect(await code(await idToken({ claims: { aud: ['sts-client', 'other'] } }))).toMatchObject({
      status: 400,
      code: 'InvalidIdentityToken',
      message: expect.stringContaining('azp'),
    });
  });

  it('rejects a token without aud', async () => {
    const { aud: _aud, ...claims } = decodeJwt(await idToken());
    expect(await code(await signAsIdp(claims))).toMatchObject({ code: 'InvalidIdentityToken', message: expect.stringContaining('no aud') });
  });

  it('rejects an iss with a trailing slash', async () => {
    expect(await code(await idToken({ claims: { iss: `${issuer}/` } }))).toMatchObject({
      code: 'InvalidIdentityToken',
      message: expect.stringContaining('iss'),
    });
  });

  it('rejects an iss in another case', async () => {
    expect(await code(await idToken({ claims: { iss: issuer.toUpperCase() } }))).toMatchObject({ code: 'InvalidIdentityToken' });
  });

  it('rejects a token without sub', async () => {
    expect(await code(await remint(idp, await idToken(), { sub: undefined }))).toMatchObject({
      code: 'InvalidIdentityToken',
      message: expect.stringContaining('sub'),
    });
  });

  it('rejects a numeric sub', async () => {
    expect(await code(await idToken({ claims: { sub: 42 } }))).toMatchObject({ code: 'InvalidIdentityToken' });
  });

  it('rejects a token without exp', async () => {
    const { exp: _exp, ...claims } = decodeJwt(await idToken());
    expect(await code(await signAsIdp(claims))).toMatchObject({ code: 'InvalidIdentityToken', message: expect.stringContaining('exp must be a number') });
  });

  it('accepts a token signed with the test key the IdP publishes (so the tests above fail for their own reason)', async () => {
    expect((await code(await signAsIdp(decodeJwt(await idToken())))).status).toBe(200);
  });

  it('rejects nbf one hour in the future', async () => {
    expect(await code(await idToken({ claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }))).toMatchObject({
      code: 'InvalidIdentityToken',
      message: expect.stringContaining('not valid before'),
    });
  });

  it('rejects iat one hour in the future', async () => {
    expect(await code(await idToken({ claims: { iat: Math.floor(Date.now() / 1000) + 3600 } }))).toMatchObject({ code: 'InvalidIdentityToken' });
  });

  it('rejects alg none', async () => {
    expect(await code(unsigned(await idToken()))).toMatchObject({ code: 'InvalidIdentityToken', message: expect.stringContaining('"none"') });
  });

  it('rejects HS256 signed with the IdP public key', async () => {
    expect(await code(await hmacWithPublicKey(idp, await idToken()))).toMatchObject({
      code: 'InvalidIdentityToken',
      message: expect.stringContaining('"HS256"'),
    });
  });

  it('rejects a token without kid', async () => {
    expect(await code(await signedWithForeignKey(decodeJwt(await idToken())))).toMatchObject({
      code: 'InvalidIdentityToken',
      message: expect.stringContaining('no kid'),
    });
  });

  it('rejects a token signed by a key that is not in the JWKS', async () => {
    expect(await code(await signedWithForeignKey(decodeJwt(await idToken()), 'unknown-kid'))).toMatchObject({
      code: 'InvalidIdentityToken',
      message: expect.stringContaining('unknown-kid'),
    });
  });

  it('rejects a token whose signature was made for other claims', async () => {
    const [header, , signature] = (await idToken()).split('.');
    const [, payload] = (await idToken({ user: 'bob' })).split('.');
    expect(await code(`${header}.${payload}.${signature}`)).toMatchObject({ code: 'InvalidIdentityToken', message: expect.stringContaining('signature') });
  });

  it('rejects a token that is no JWT', async () => {
    expect(await code('not-a-jwt-at-all')).toMatchObject({ code: 'InvalidIdentityToken', message: expect.stringContaining('compact JWS') });
  });

  it('answers IDPCommunicationError when the IdP is unreachable', async () => {
    const offline = await started(startSts({ issuer: 'http://127.0.0.1:9/default', clientIds: ['sts-client'], httpTimeoutMs: 2000 }));
    const reply = await assume(assumeParams(await idToken()), offline.url);
    expect({ status: reply.status, code: stsError(reply)?.Code }).toEqual({ status: 400, code: 'IDPCommunicationError' });
  });

  it('answers InvalidIdentityToken when no issuer is configured', async () => {
    const bare = await started(startSts({}));
    const reply = await assume(assumeParams(await idToken()), bare.url);
    expect(stsError(reply)).toMatchObject({ Code: 'InvalidIdentityToken', Message: expect.stringContaining('No OpenIDConnect provider') });
  });
});

const mapped = await started(startSts({ ...base, roleMapping: { mode: 'user', map: { admins: 'admin', developers: 'web-identity' } } }));

describe('sts: role mapping for AssumeRoleWithWebIdentity', () => {
  const assumeAs = async (token: string, role: string) => assume(assumeParams(token, { RoleArn: `arn:aws:iam::123456789012:role/${role}` }), mapped.url);

  it('lets a member of a mapped group assume the mapped role', async () => {
    expect((await assumeAs(await idToken({ user: 'alice', claims: { groups: ['admins'] } }), 'admin')).status).toBe(200);
  });

  it('answers AccessDenied when no group of the token maps to the role', async () => {
    const reply = await assumeAs(await idToken({ user: 'bob', claims: { groups: ['developers'] } }), 'admin');
    expect({ status: reply.status, code: stsError(reply)?.Code }).toEqual({ status: 403, code: 'AccessDenied' });
  });

  it('answers IDPRejectedClaim when the token has no groups claim', async () => {
    const reply = await assumeAs(await remint(idp, await idToken(), { groups: undefined }), 'admin');
    expect({ status: reply.status, code: stsError(reply)?.Code }).toEqual({ status: 403, code: 'IDPRejectedClaim' });
  });

  it('answers IDPRejectedClaim when the groups claim is not a list of strings', async () => {
    const reply = await assumeAs(await idToken({ claims: { groups: 7 } }), 'admin');
    expect(stsError(reply)).toMatchObject({ Code: 'IDPRejectedClaim', Message: expect.stringContaining('array of strings') });
  });
});

describe('sts: AssumeRoleWithWebIdentity (minio flavour)', () => {
  const call = async (params: Record<string, string>) => {
    const reply = await assume(params, minio.url);
    return { reply, error: stsError(reply) };
  };
  const minimal = (token: string, extra: Record<string, string> = {}) => ({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    WebIdentityToken: token,
    ...extra,
  });

  it('needs neither RoleArn nor RoleSessionName, and leaves AssumedRoleUser empty', async () => {
    const { reply } = await call(minimal(await idToken()));
    expect(reply.status).toBe(200);
    expect(reply.xml['AssumeRoleWithWebIdentityResponse']['AssumeRoleWithWebIdentityResult']['AssumedRoleUser']).toEqual({ Arn: '', AssumedRoleId: '' });
  });

  it('expires the credentials with the token when DurationSeconds is absent', async () => {
    const token = await idToken({ ttlSeconds: 1800 });
    const { reply } = await call(minimal(token));
    const expiration = reply.xml['AssumeRoleWithWebIdentityResponse']['AssumeRoleWithWebIdentityResult']['Credentials']['Expiration'];
    expect(Date.parse(expiration) / 1000).toBe(decodeJwt(token).exp);
  });

  it('accepts the token as Token', async () => {
    const { reply } = await call({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', Token: await idToken() });
    expect(reply.status).toBe(200);
  });

  it('serves AssumeRoleWithClientGrants with the same handler', async () => {
    const { reply } = await call({ ...minimal(await idToken()), Action: 'AssumeRoleWithClientGrants' });
    expect(reply.status).toBe(200);
  });

  it('answers MissingParameter for Version 2011-06-14', async () => {
    expect((await call(minimal(await idToken(), { Version: '2011-06-14' }))).error).toMatchObject({ Code: 'MissingParameter', Type: '' });
  });

  it('answers InvalidParameterValue, not ExpiredToken, for an expired token', async () => {
    expect((await call(minimal(await idToken({ ttlSeconds: -300 })))).error).toMatchObject({
      Code: 'InvalidParameterValue',
      Message: expect.stringContaining('expired'),
    });
  });

  it('answers InvalidParameterValue for DurationSeconds 899 and accepts 31536000', async () => {
    expect((await call(minimal(await idToken(), { DurationSeconds: '899' }))).error?.Code).toBe('InvalidParameterValue');
    expect((await call(minimal(await idToken(), { DurationSeconds: '31536000' }))).reply.status).toBe(200);
  });

  it('answers InvalidParameterValue for DurationSeconds 31536001', async () => {
    expect((await call(minimal(await idToken(), { DurationSeconds: '31536001' }))).error?.Code).toBe('InvalidParameterValue');
  });

  it('answers InvalidParameterValue for a Policy without Version', async () => {
    expect((await call(minimal(await idToken(), { Policy: '{"Statement":[]}' }))).error?.Code).toBe('InvalidParameterValue');
  });

  it('answers InvalidParameterValue for an unknown action', async () => {
    expect((await call({ ...minimal(await idToken()), Action: 'AssumeRoleWithLDAPIdentity' })).error?.Code).toBe('InvalidParameterValue');
  });

  it('answers InvalidParameterValue for an unknown RoleArn', async () => {
    expect((await call(minimal(await idToken(), { RoleArn: 'arn:minio:iam:::role/nobody' }))).error?.Code).toBe('InvalidParameterValue');
  });

  it('still rejects a token of another issuer (MinIO itself does not check iss)', async () => {
    expect((await call(minimal(await idToken({ claims: { iss: 'https://elsewhere.example' } })))).error).toMatchObject({
      Code: 'InvalidParameterValue',
      Message: expect.stringContaining('iss'),
    });
  });
});
