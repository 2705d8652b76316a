import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { FlawName } from '../flaws.ts';
import type { CredentialStore, IssuedCredentials } from './credentials.ts';
import { rawBody } from './query-request.ts';
import { parseAmzDate, parseAuthorization, signatureMatches, type SigV4Authorization } from './sigv4.ts';
import { StsError } from './sts-error.ts';
import { awsTimestamp, renderResult } from './xml.ts';

/*
 * GetCallerIdentity (AWS STS API Reference): a SigV4-signed request made with temporary credentials
 * from AssumeRoleWithWebIdentity; the answer says whose they are.
 */

export interface CallerIdentityDeps {
  store: CredentialStore;
  now: () => number;
}

interface CallerIdentity {
  requestId: string;
  auth: SigV4Authorization;
  signedAt: number;
  credentials: IssuedCredentials;
}

type Step = ((ctx: Context, call: CallerIdentity, deps: CallerIdentityDeps) => void | Promise<void>) & { readonly name: string };

/** AWS accepts request times up to 15 minutes away from its own clock. */
const MAX_REQUEST_SKEW_MS = 15 * 60 * 1000;

function readAuthorization(ctx: Context, call: CallerIdentity): void {
  const header = ctx.get('authorization');
  if (!header)
    throw new StsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token: sign it with SigV4 using the temporary credentials');
  call.auth = parseAuthorization(header);
  const signedAt = parseAmzDate(ctx.get('x-amz-date'));
  if (signedAt === undefined)
    throw new StsError('IncompleteSignature', 400, 'the request needs an X-Amz-Date header (YYYYMMDDTHHMMSSZ) among its signed headers');
  if (!call.auth.signedHeaders.includes('x-amz-date') || !call.auth.signedHeaders.includes('host'))
    throw new StsError('IncompleteSignature', 400, 'SignedHeaders must include host and x-amz-date');
  call.signedAt = signedAt;
}

function checkCredentialScope(ctx: Context, call: CallerIdentity): void {
  if (call.auth.service !== 'sts')
    throw new StsError('SignatureDoesNotMatch', 403, `Credential should be scoped to correct service: 'sts', not '${call.auth.service}'`);
  if (!ctx.get('x-amz-date').startsWith(call.auth.scopeDate))
    throw new StsError(
      'SignatureDoesNotMatch',
      403,
      `Credential should be scoped to a valid date: '${ctx.get('x-amz-date').slice(0, 8)}', not '${call.auth.scopeDate}'`,
    );
}

function findCredentials(_ctx: Context, call: CallerIdentity, { store }: CallerIdentityDeps): void {
  const credentials = store.find(call.auth.accessKeyId);
  if (!credentials) throw new StsError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
  call.credentials = credentials;
}

function checkSessionToken(ctx: Context, call: CallerIdentity): void {
  const given = Buffer.from(ctx.get('x-amz-security-token'));
  const expected = Buffer.from(call.credentials.sessionToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new StsError(
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid: send the SessionToken of these credentials as X-Amz-Security-Token',
    );
  }
}

function checkExpiration(_ctx: Context, call: CallerIdentity, { now }: CallerIdentityDeps): void {
  if (now() >= call.credentials.expiresAt)
    throw new StsError('ExpiredToken', 403, `The security token included in the request is expired (since ${awsTimestamp(call.credentials.expiresAt)})`);
}

function checkRequestTime(_ctx: Context, call: CallerIdentity, { now }: CallerIdentityDeps): void {
  const drift = call.signedAt - now();
  if (drift < -MAX_REQUEST_SKEW_MS)
    throw new StsError(
      'SignatureDoesNotMatch',
      403,
      `Signature expired: ${awsTimestamp(call.signedAt)} is now earlier than ${awsTimestamp(now() - MAX_REQUEST_SKEW_MS)}`,
    );
  if (drift > MAX_REQUEST_SKEW_MS)
    throw new StsError(
      'SignatureDoesNotMatch',
      403,
      `Signature not yet current: ${awsTimestamp(call.signedAt)} is still later than ${awsTimestamp(now() + MAX_REQUEST_SKEW_MS)}`,
    );
}

async function verifySignature(ctx: Context, call: CallerIdentity): Promise<void> {
  const matches = await signatureMatches(
    { method: ctx.method, host: ctx.get('host'), path: ctx.path, querystring: ctx.querystring, header: (name) => ctx.get(name), body: rawBody(ctx) },
    call.auth,
    call.credentials.secretAccessKey,
    call.signedAt,
  );
  if (!matches) {
    throw new StsError(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
}

function renderCallerIdentity(ctx: Context, call: CallerIdentity): void {
  const { credentials } = call;
  renderResult(ctx, 'GetCallerIdentity', { UserId: credentials.assumedRoleId, Account: credentials.account, Arn: credentials.arn }, call.requestId);
}

const CALLER_IDENTITY_STEPS: readonly Step[] = [
  readAuthorization,
  checkCredentialScope,
  findCredentials,
  checkSessionToken,
  checkExpiration,
  checkRequestTime,
  verifySignature,
  renderCallerIdentity,
];

export function callerIdentitySteps(flaw: FlawName | undefined): Step[] {
  return flaw === 'skip-sigv4-verification' ? CALLER_IDENTITY_STEPS.filter((step) => step !== verifySignature) : [...CALLER_IDENTITY_STEPS];
}

export async function getCallerIdentity(ctx: Context, requestId: string, steps: readonly Step[], deps: CallerIdentityDeps): Promise<void> {
  const call = { requestId } as CallerIdentity;
  for (const step of steps) await step(ctx, call, deps);
}
