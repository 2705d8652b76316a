import type { Context } from 'koa';
import type { JWTPayload } from 'jose';
import type { FlawName } from '../flaws.ts';
import { TokenError, UpstreamError } from '../oidc/errors.ts';
import type { TokenValidator } from '../oidc/token-validator.ts';
import { MappingError, mapIdentity, type AuthMapConfig, type MappedIdentity } from '../role-mapping/auth-map.ts';
import { roleId, type CredentialStore, type IssuedCredentials } from './credentials.ts';
import type { Flavour } from './flavours.ts';
import type { QueryParameters } from './query-request.ts';
import { awsTimestamp, renderResult } from './xml.ts';

/*
 * AssumeRoleWithWebIdentity (AWS STS API Reference; MinIO's cmd/sts-handlers.go) as its pipeline: read and check each parameter,
 * validate the web identity token, authorize the role, issue credentials, render the XML.
 */

interface RoleConfig {
  name: string;
  maxSessionSeconds: number;
}

export interface AssumeRoleDeps {
  flavour: Flavour;
  validator: TokenValidator | undefined;
  roles: readonly RoleConfig[];
  roleMapping: AuthMapConfig | undefined;
  accountId: string;
  store: CredentialStore;
  now: () => number;
}

interface AssumeRole {
  params: QueryParameters;
  requestId: string;
  role: RoleConfig | undefined;
  sessionName: string;
  token: string;
  durationSeconds: number | undefined;
  policy: string | undefined;
  claims: JWTPayload;
  credentials: IssuedCredentials;
}

type Step = ((ctx: Context, call: AssumeRole, deps: AssumeRoleDeps) => void | Promise<void>) & { readonly name: string };

const AWS_ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const MINIO_ROLE_ARN = /^arn:minio:iam:[^:]*:[^:]*:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

function readRoleArn(_ctx: Context, call: AssumeRole, { flavour, roles, accountId }: AssumeRoleDeps): void {
  const arn = call.params.get('RoleArn');
  if (arn === undefined || arn === '') {
    if (flavour.roleArnRequired) throw flavour.missing('RoleArn');
    return;
  }
  if (arn.length < 20 || arn.length > 2048) throw flavour.invalid('RoleArn', 'Member must have length between 20 and 2048');
  const aws = AWS_ROLE_ARN.exec(arn);
  const minio = flavour.name === 'minio' ? MINIO_ROLE_ARN.exec(arn) : null;
  if (!aws && !minio) throw flavour.invalid('RoleArn', `Member must be a role ARN such as arn:aws:iam::${accountId}:role/<name>`);
  const name = aws ? aws[2]! : minio![1]!;
  const role = roles.find((candidate) => candidate.name === name);
  if (!role || (aws && aws[1] !== accountId)) {
    if (flavour.name === 'minio') throw flavour.invalid('RoleArn', `unknown role ${arn}`);
    throw flavour.accessDenied(`role ${arn} does not exist in account ${accountId}`);
  }
  call.role = role;
}

function readRoleSessionName(_ctx: Context, call: AssumeRole, { flavour }: AssumeRoleDeps): void {
  const name = call.params.get('RoleSessionName');
  if (name === undefined || name === '') {
    if (flavour.roleSessionNameRequired) throw flavour.missing('RoleSessionName');
    call.sessionName = 'web-identity';
    return;
  }
  if (name.length < 2 || name.length > 64) throw flavour.invalid('RoleSessionName', 'Member must have length between 2 and 64');
  if (!/^[\w+=,.@-]+$/.test(name)) throw flavour.invalid('RoleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
  call.sessionName = name;
}

function readWebIdentityToken(_ctx: Context, call: AssumeRole, { flavour }: AssumeRoleDeps): void {
  const token = call.params.get('WebIdentityToken') ?? (flavour.name === 'minio' ? call.params.get('Token') : undefined);
  if (token === undefined || token === '') throw flavour.missing('WebIdentityToken');
  if (token.length < 4 || token.length > 20000) throw flavour.invalid('WebIdentityToken', 'Member must have length between 4 and 20000');
  call.token = token;
}

function parseDuration(call: AssumeRole, flavour: Flavour): number | undefined {
  const text = call.params.get('DurationSeconds');
  if (text === undefined) return undefined;
  if (!/^\d{1,12}$/.test(text)) throw flavour.malformed('DurationSeconds', `"${text}" is not a whole number of seconds`);
  return Number(text);
}

function readDurationSeconds(_ctx: Context, call: AssumeRole, { flavour }: AssumeRoleDeps): void {
  const duration = parseDuration(call, flavour);
  if (duration !== undefined) {
    const { min, max } = flavour.duration;
    if (duration < min || duration > max) throw flavour.invalid('DurationSeconds', `Member must have value between ${min} and ${max}`);
    if (call.role && duration > call.role.maxSessionSeconds) {
      throw flavour.invalid(
        'DurationSeconds',
        `The requested DurationSeconds exceeds the MaxSessionDuration set for this role (${call.role.maxSessionSeconds})`,
      );
    }
  }
  call.durationSeconds = duration;
}

/** FLAW ignore-duration-bounds: any whole number of seconds becomes the credentials' lifetime. */
function readDurationSecondsUnbounded(_ctx: Context, call: AssumeRole, { flavour }: AssumeRoleDeps): void {
  call.durationSeconds = parseDuration(call, flavour);
}

function readPolicy(_ctx: Context, call: AssumeRole, { flavour }: AssumeRoleDeps): void {
  const policy = call.params.get('Policy');
  if (policy === undefined) return;
  if (flavour.name === 'aws') {
    if (policy.length < 1 || policy.length > 2048) throw flavour.invalid('Policy', 'Member must have length between 1 and 2048');
    if (!/^[\t\n\r\u0020-\u00FF]+$/.test(policy))
      throw flavour.invalid('Policy', 'Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+');
  }
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    throw flavour.badPolicy('The policy is not in the valid JSON format.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw flavour.badPolicy('The policy must be a JSON object.');
  const { Version: version, Statement: statement } = document as { Version?: unknown; Statement?: unknown };
  if (typeof version !== 'string' || version === '') throw flavour.badPolicy('The policy has no Version.');
  if (flavour.name === 'aws' && statement === undefined) throw flavour.badPolicy('The policy has no Statement.');
  if (flavour.name === 'minio' && JSON.stringify(document).length > 2048) throw flavour.badPolicy('The policy is larger than 2048 bytes.');
  call.policy = policy;
}

async function validateWebIdentityToken(_ctx: Context, call: AssumeRole, { flavour, validator }: AssumeRoleDeps): Promise<void> {
  if (!validator) throw flavour.token('issuer', 'No OpenIDConnect provider is configured for this STS (start it with an issuer)');
  try {
    call.claims = await validator.validate(call.token);
  } catch (error) {
    if (error instanceof TokenError) throw flavour.token(error.problem, error.message);
    if (error instanceof UpstreamError) throw flavour.token('idp-unreachable', error.message);
    throw error;
  }
}

function authorizeRole(_ctx: Context, call: AssumeRole, { flavour, roles, roleMapping }: AssumeRoleDeps): void {
  if (!roleMapping) {
    call.role ??= roles[0];
    return;
  }
  let mapped: MappedIdentity;
  try {
    mapped = mapIdentity(roleMapping, call.claims);
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    if (error.reason === 'no-role' || error.reason === 'wrong-kind') throw flavour.accessDenied(error.message);
    throw flavour.rejectedClaim(error.message);
  }
  if (!call.role) {
    const first = roles.find((role) => mapped.roles.some((grant) => grant.role === role.name));
    if (!first) throw flavour.accessDenied(`the roles mapped to this token (${mapped.roles.map((grant) => grant.role).join(', ')}) are not configured`);
    call.role = first;
    return;
  }
  const wanted = call.role.name;
  if (!mapped.roles.some((grant) => grant.role === wanted))
    throw flavour.accessDenied(`role ${wanted} is not mapped to ${mapped.identifiers.map((id) => `"${id}"`).join(', ')}`);
}

function issueCredentials(_ctx: Context, call: AssumeRole, deps: AssumeRoleDeps): void {
  const { flavour, store, accountId, now } = deps;
  const role = call.role!;
  let expiresAt: number;
  if (call.durationSeconds !== undefined) expiresAt = now() + call.durationSeconds * 1000;
  else if (flavour.duration.default === 'token-exp') expiresAt = (call.claims.exp as number) * 1000;
  else expiresAt = now() + Math.min(3600, role.maxSessionSeconds) * 1000;
  const assumedRoleId = `${roleId(accountId, role.name)}:${call.sessionName}`;
  call.credentials = store.issue({
    expiresAt,
    roleName: role.name,
    sessionName: call.sessionName,
    assumedRoleId,
    arn: `arn:aws:sts::${accountId}:assumed-role/${role.name}/${call.sessionName}`,
    account: accountId,
    subject: String(call.claims.sub),
  });
}

function renderAssumeRoleResult(ctx: Context, call: AssumeRole, { flavour }: AssumeRoleDeps): void {
  const { credentials, claims } = call;
  const aud = Array.isArray(claims.aud) ? ((claims['azp'] as string | undefined) ?? claims.aud[0]) : claims.aud;
  const sourceIdentity = claims['https://aws.amazon.com/source_identity'];
  const result: Record<string, unknown> =
    flavour.name === 'aws'
      ? {
          Audience: aud,
          AssumedRoleUser: { Arn: credentials.arn, AssumedRoleId: credentials.assumedRoleId },
          Provider: claims.iss,
          Credentials: credentialsXml(credentials),
          SubjectFromWebIdentityToken: claims.sub,
          ...(call.policy === undefined ? {} : { PackedPolicySize: Math.ceil((call.policy.length / 2048) * 100) }),
          ...(typeof sourceIdentity === 'string' ? { SourceIdentity: sourceIdentity } : {}),
        }
      : {
          AssumedRoleUser: { Arn: '', AssumedRoleId: '' },
          Credentials: credentialsXml(credentials),
          SubjectFromWebIdentityToken: claims.sub,
        };
  renderResult(ctx, 'AssumeRoleWithWebIdentity', result, call.requestId);
}

function credentialsXml(credentials: IssuedCredentials): Record<string, string> {
  return {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: awsTimestamp(credentials.expiresAt),
  };
}

const ASSUME_ROLE_STEPS: readonly Step[] = [
  readRoleArn,
  readRoleSessionName,
  readWebIdentityToken,
  readDurationSeconds,
  readPolicy,
  validateWebIdentityToken,
  authorizeRole,
  issueCredentials,
  renderAssumeRoleResult,
];

export function assumeRoleSteps(flaw: FlawName | undefined): Step[] {
  return ASSUME_ROLE_STEPS.map((step) => (flaw === 'ignore-duration-bounds' && step === readDurationSeconds ? readDurationSecondsUnbounded : step));
}

export async function assumeRoleWithWebIdentity(
  ctx: Context,
  params: QueryParameters,
  requestId: string,
  steps: readonly Step[],
  deps: AssumeRoleDeps,
): Promise<void> {
  const call = { params, requestId } as AssumeRole;
  for (const step of steps) await step(ctx, call, deps);
}
