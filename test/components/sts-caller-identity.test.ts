import { describe, expect, it } from 'vitest';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { startSts } from '../../components/index.ts';
import { startComponentIdp } from './support/idp.ts';
import { started } from './support/components.ts';
import { ROLE_ARN, parseXml, stsCall, stsError } from './support/sts.ts';

const idp = await startComponentIdp();
let clockOffsetMs = 0;
const sts = await started(startSts({ issuer: idp.issuer('default'), clientIds: ['sts-client'], now: () => Date.now() + clockOffsetMs }));

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

async function assumeRole(durationSeconds = 900): Promise<Credentials> {
  const { token } = await idp.admin.mint('default', { user: 'alice', client: 'sts-client' });
  const out = await new STSClient({ endpoint: sts.url, region: 'us-east-1', maxAttempts: 1 }).send(
    new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'alice-session', WebIdentityToken: token, DurationSeconds: durationSeconds }),
  );
  return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
}

const clientWith = (credentials: Credentials, region = 'eu-central-1') => new STSClient({ endpoint: sts.url, region, credentials, maxAttempts: 1 });

/** A GetCallerIdentity request signed with the AWS SDK's signer, optionally changed before or after signing. */
async function signedCall(
  credentials: Credentials,
  options: { service?: string; signingDate?: Date; afterSigning?: (headers: Record<string, string>) => void } = {},
) {
  const url = new URL(sts.url);
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: options.service ?? 'sts', sha256: Sha256 });
  const signed = await signer.sign(request, options.signingDate ? { signingDate: options.signingDate } : {});
  const headers = { ...(signed.headers as Record<string, string>) };
  options.afterSigning?.(headers);
  delete headers['host'];
  const response = await fetch(`${sts.url}/`, { method: 'POST', headers, body });
  const error = parseXml(await response.text())['ErrorResponse']?.['Error'] as { Code: string; Message: string } | undefined;
  return { status: response.status, code: error?.Code, message: error?.Message };
}

describe('sts: GetCallerIdentity with SigV4-signed temporary credentials', () => {
  it('answers the assumed role to the AWS SDK using the credentials of AssumeRoleWithWebIdentity', async () => {
    const out = await clientWith(await assumeRole()).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({
      Account: '123456789012',
      Arn: 'arn:aws:sts::123456789012:assumed-role/web-identity/alice-session',
      UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:alice-session$/),
    });
  });

  it('accepts requests signed for any region', async () => {
    const out = await clientWith(await assumeRole(), 'ap-southeast-2').send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('123456789012');
  });

  it('refuses a signature made with the wrong secret key with SignatureDoesNotMatch', async () => {
    const credentials = await assumeRole();
    const attempt = clientWith({ ...credentials, secretAccessKey: `${credentials.secretAccessKey.slice(1)}x` }).send(new GetCallerIdentityCommand({}));
    await expect(attempt).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
  });

  it('refuses a request changed after it was signed', async () => {
    const reply = await signedCall(await assumeRole(), {
      afterSigning: (headers) => (headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8'),
    });
    expect(reply).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a wrong session token with InvalidClientTokenId', async () => {
    const credentials = await assumeRole();
    const attempt = clientWith({ ...credentials, sessionToken: (await assumeRole()).sessionToken }).send(new GetCallerIdentityCommand({}));
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('refuses an access key id it never issued with InvalidClientTokenId', async () => {
    const attempt = clientWith({ accessKeyId: 'ASIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40), sessionToken: 'nope' }).send(
      new GetCallerIdentityCommand({}),
    );
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
  });

  it('refuses credentials past their expiration with ExpiredToken', async () => {
    const credentials = await assumeRole(900);
    clockOffsetMs = 901_000;
    try {
      await expect(clientWith(credentials).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'ExpiredToken' });
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('refuses a request signed 20 minutes ago with SignatureDoesNotMatch (signature expired)', async () => {
    const reply = await signedCall(await assumeRole(), { signingDate: new Date(Date.now() - 20 * 60_000) });
    expect(reply).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch', message: expect.stringContaining('Signature expired') });
  });

  it('refuses credentials scoped to another service', async () => {
    const reply = await signedCall(await assumeRole(), { service: 's3' });
    expect(reply).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: expect.stringContaining("Credential should be scoped to correct service: 'sts'"),
    });
  });

  it('answers MissingAuthenticationToken to an unsigned request', async () => {
    const reply = await stsCall(sts.url, { Action: 'GetCallerIdentity', Version: '2011-06-15' });
    expect({ status: reply.status, code: stsError(reply)?.Code }).toEqual({ status: 403, code: 'MissingAuthenticationToken' });
  });

  it('answers IncompleteSignature to a malformed Authorization header', async () => {
    const reply = await stsCall(
      sts.url,
      { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=oops' } },
    );
    expect({ status: reply.status, code: stsError(reply)?.Code }).toEqual({ status: 400, code: 'IncompleteSignature' });
  });
});
