import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { z } from 'zod';
import type { StepOutcome } from '../assertions/outcome.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { DEFAULT_REDIRECT_URI } from '../scenario/defaults.ts';
import { get } from '../scenario/path.ts';
import { latestToken, required } from './params.ts';
import { defineOperation, type TargetKind } from './target.ts';

/*
 * An STS speaking the AWS query protocol (https://docs.aws.amazon.com/STS/latest/APIReference/, and
 * MinIO's AssumeRoleWithWebIdentity, https://min.io/docs/minio/linux/developers/security-token-service.html):
 * AssumeRoleWithWebIdentity turns an IdP ID token into temporary credentials (XML); GetCallerIdentity,
 * SigV4-signed with them, says who they belong to. Flavour aws (AWS STS) or minio (MinIO's parameters
 * and error codes).
 */

const optionsSchema = z.looseObject({
  clientId: z.string().default('sts').describe('The audience (client id) the STS accepts web identity tokens for.'),
  flavour: z.enum(['aws', 'minio']).default('aws'),
  roleArn: z.string().default('arn:aws:iam::123456789012:role/web-identity').describe('Role assumed by default.'),
  region: z.string().default('us-east-1').describe('Region used to sign GetCallerIdentity.'),
});

const AWS_CREDENTIALS = '$awsCredentials';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
}

function resultOf(outcome: StepOutcome, action: string): Record<string, unknown> | undefined {
  return get(outcome.xml, `${action}Response.${action}Result`) as Record<string, unknown> | undefined;
}

function errorOf(outcome: StepOutcome): { code?: string; message?: string; type?: string } {
  const error = get(outcome.xml, 'ErrorResponse.Error') as { Code?: string; Message?: string; Type?: string } | undefined;
  return { ...(error?.Code ? { code: error.Code } : {}), ...(error?.Message ? { message: error.Message } : {}), ...(error?.Type ? { type: error.Type } : {}) };
}

export const awsStsTarget: TargetKind = {
  name: 'aws-sts',
  summary: 'AWS/MinIO STS: AssumeRoleWithWebIdentity (ID token → temporary credentials, XML) and SigV4-signed GetCallerIdentity.',
  shape: 'server',
  optionsSchema,
  matchOptions: ['flavour'],
  clients(options) {
    const o = optionsSchema.parse(options);
    return {
      main: {
        id: o.clientId,
        redirectUri: DEFAULT_REDIRECT_URI,
        config: { name: 'web identity audience (STS)', grants: ['authorization_code', 'refresh_token'], redirectUris: [DEFAULT_REDIRECT_URI] },
      },
    };
  },
  login: { redeem: true, stateCarriesVerifier: false },
  vars(setup) {
    const o = optionsSchema.parse(setup.options);
    return { role_arn: o.roleArn, flavour: o.flavour };
  },
  embedded(setup) {
    const { clientId, roleArn: _role, region: _region, ...rest } = optionsSchema.parse(setup.options);
    return { component: 'sts', options: { ...rest, issuer: setup.issuer, clientIds: [clientId] }, flaw: setup.flaw };
  },
  operations: {
    assume_role: defineOperation({
      offer: 'assume-role-with-web-identity',
      summary:
        'AssumeRoleWithWebIdentity (form POST /): token (default: the latest ID token), role_arn, session_name, duration, policy, version, action; `params` adds or (with null) removes raw parameters. Saves the credentials for caller_identity.',
      params: z.strictObject({
        token: z.string().optional(),
        role_arn: z.string().optional(),
        session_name: z.string().optional(),
        duration: z.union([z.number(), z.string()]).optional(),
        policy: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
        version: z.string().optional(),
        action: z.string().optional(),
        params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
      }),
      async run(ctx, target, p) {
        const o = optionsSchema.parse(target.setup.options);
        const token = required(
          p.token ?? latestToken(ctx, 'id_token'),
          'assume_role needs a web identity token: log in first (login: {user: alice}) or pass token',
        );
        const form: Record<string, string> = {
          Action: p.action ?? 'AssumeRoleWithWebIdentity',
          Version: p.version ?? '2011-06-15',
          RoleArn: p.role_arn ?? o.roleArn,
          RoleSessionName: p.session_name ?? 'harness-session',
          WebIdentityToken: token,
          ...(p.duration === undefined ? {} : { DurationSeconds: String(p.duration) }),
          ...(p.policy === undefined ? {} : { Policy: typeof p.policy === 'string' ? p.policy : JSON.stringify(p.policy) }),
        };
        for (const [key, value] of Object.entries(p.params ?? {})) {
          if (value === null) delete form[key];
          else form[key] = String(value);
        }
        const outcome = await ctx.callTarget({ method: 'POST', url: '/', form }, form['Action']);
        const result = resultOf(outcome, 'AssumeRoleWithWebIdentity');
        const credentials = result?.['Credentials'] as Record<string, string> | undefined;
        if (credentials?.['AccessKeyId'] && credentials['SecretAccessKey']) {
          ctx.vars[AWS_CREDENTIALS] = {
            accessKeyId: credentials['AccessKeyId'],
            secretAccessKey: credentials['SecretAccessKey'],
            sessionToken: credentials['SessionToken'],
          } satisfies Credentials;
        }
        return {
          ...outcome,
          value: {
            ...(credentials
              ? {
                  credentials: {
                    access_key_id: credentials['AccessKeyId'],
                    secret_access_key: credentials['SecretAccessKey'],
                    session_token: credentials['SessionToken'],
                    expiration: credentials['Expiration'],
                  },
                }
              : {}),
            ...(result
              ? {
                  subject: result['SubjectFromWebIdentityToken'],
                  arn: get(result, 'AssumedRoleUser.Arn'),
                  assumed_role_id: get(result, 'AssumedRoleUser.AssumedRoleId'),
                }
              : {}),
            ...errorOf(outcome),
          },
        };
      },
    }),
    caller_identity: defineOperation({
      offer: 'get-caller-identity',
      summary:
        'GetCallerIdentity, SigV4-signed with the credentials of the latest assume_role (or given ones); tamper: "secret" signs with a wrong secret, "unsigned" sends no signature.',
      params: z.strictObject({
        access_key_id: z.string().optional(),
        secret_access_key: z.string().optional(),
        session_token: z.union([z.string(), z.null()]).optional(),
        region: z.string().optional(),
        tamper: z.enum(['secret', 'unsigned']).optional(),
      }),
      async run(ctx, target, p) {
        const o = optionsSchema.parse(target.setup.options);
        const saved = ctx.vars[AWS_CREDENTIALS] as Credentials | undefined;
        const accessKeyId = p.access_key_id ?? saved?.accessKeyId;
        const secretAccessKey = p.secret_access_key ?? saved?.secretAccessKey;
        if (!accessKeyId || !secretAccessKey)
          throw new StepFailure('caller_identity needs credentials: call assume_role first, or pass access_key_id and secret_access_key');
        const sessionToken = p.session_token === null ? undefined : (p.session_token ?? saved?.sessionToken);
        const body = 'Action=GetCallerIdentity&Version=2011-06-15';
        const headers = await signedHeaders(
          target.connection.url,
          body,
          { accessKeyId, secretAccessKey: p.tamper === 'secret' ? `${secretAccessKey.slice(0, -4)}XXXX` : secretAccessKey, sessionToken },
          p.region ?? o.region,
          p.tamper === 'unsigned',
        );
        const outcome = await ctx.callTarget({ method: 'POST', url: '/', body, headers }, 'GetCallerIdentity');
        const result = resultOf(outcome, 'GetCallerIdentity');
        return { ...outcome, value: { ...(result ? { user_id: result['UserId'], account: result['Account'], arn: result['Arn'] } : {}), ...errorOf(outcome) } };
      },
    }),
  },
};

async function signedHeaders(
  base: string | undefined,
  body: string,
  credentials: Credentials,
  region: string,
  unsigned: boolean,
): Promise<Record<string, string>> {
  const url = new URL(required(base, 'the STS has no URL to sign requests for'));
  const headers: Record<string, string> = { host: url.host, 'content-type': 'application/x-www-form-urlencoded' };
  if (unsigned) return { 'content-type': headers['content-type']! };
  const request = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port) || undefined,
    path: '/',
    headers,
    body,
  });
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    region,
    service: 'sts',
    sha256: Sha256,
  });
  const signed = await signer.sign(request);
  const out = { ...(signed.headers as Record<string, string>) };
  delete out['host'];
  return out;
}
