import { z } from 'zod';
import { authMapSchema } from '../role-mapping/auth-map.ts';
import { algorithmsOption, clockSkewOption, commonOptions, flawOption, jwksOptions } from '../server/options.ts';

const roleSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'role names are 1-64 characters of letters, digits and + = , . @ _ -')
      .describe('Role name; its ARN is arn:aws:iam::<accountId>:role/<name>.'),
    maxSessionSeconds: z
      .number()
      .int()
      .min(900)
      .max(43200)
      .default(43200)
      .describe('Longest DurationSeconds this role allows (AWS MaxSessionDuration, 900-43200).'),
  })
  .describe('A role that AssumeRoleWithWebIdentity can assume.');

/** Every option of the STS, with its default (docs/components.md lists them). */
export const stsOptionsSchema = z.strictObject({
  authenticatorUrl: z
    .url()
    .optional()
    .describe(
      'lakeFS auth.authentication_api.endpoint: base URL of the authenticator (e.g. http://127.0.0.1:9410/api/v1). Without it /api/v1/sts/login answers 501, like lakeFS without an authentication API.',
    ),
  issuer: z
    .url()
    .optional()
    .describe('Issuer whose ID tokens AssumeRoleWithWebIdentity accepts (the registered OIDC provider). Without it the action answers an error.'),
  discoveryUrl: z.url().optional().describe('Where to fetch discovery instead of <issuer>/.well-known/openid-configuration.'),
  clientIds: z
    .array(z.string().min(1))
    .min(1)
    .default(['sts'])
    .describe("Audiences (client ids) a web identity token must carry, like an IAM OIDC provider's client-ID list."),
  flavour: z.enum(['aws', 'minio']).default('aws').describe("aws: AWS STS parameters, limits and error codes; minio: MinIO's."),
  region: z.string().min(1).default('us-east-1').describe('Region reported in ARNs (SigV4 requests may use any region).'),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'an AWS account id is 12 digits')
    .default('123456789012')
    .describe('Account id in role and assumed-role ARNs.'),
  roles: z
    .array(roleSchema)
    .min(1)
    .default([{ name: 'web-identity', maxSessionSeconds: 43200 }])
    .describe('Roles that can be assumed.'),
  roleMapping: authMapSchema
    .optional()
    .describe('Who may assume which role (AuthMap: group or client id -> role). Without it any valid token may assume any role.'),
  allowedAlgs: algorithmsOption,
  clockSkewSeconds: clockSkewOption,
  ...jwksOptions,
  tokenSecret: z.string().min(32).optional().describe('HS256 secret of the lakeFS-style login tokens (at least 32 characters). Default: random per start.'),
  lakefsUsers: z
    .record(z.string().min(1), z.string().min(1))
    .optional()
    .describe("External id (the IdP sub) -> lakeFS user name. When set, an unknown sub gets 404 (lakeFS's behaviour); unset, the user name is the sub."),
  validateIdTokenClaims: z
    .record(z.string().min(1), z.string())
    .default({})
    .describe('lakeFS auth.cookie_auth_verification.validate_id_token_claims: claims that must equal these strings exactly.'),
  ...commonOptions,
  flaw: flawOption('sts'),
});

export type StsOptions = z.input<typeof stsOptionsSchema>;
export type StsConfig = z.output<typeof stsOptionsSchema>;
