import { z } from 'zod';
import { authMapSchema } from '../role-mapping/auth-map.ts';
import { algorithmsOption, clockSkewOption, commonOptions, flawOption, jwksOptions } from '../server/options.ts';

/** Every option of the bearer API, with its default (docs/components.md lists them). */
export const bearerApiOptionsSchema = z.strictObject({
  issuer: z.url().describe('Issuer of the access tokens.'),
  discoveryUrl: z.url().optional().describe('Where to fetch discovery instead of <issuer>/.well-known/openid-configuration.'),
  audiences: z.array(z.string().min(1)).min(1).describe('A JWT access token\'s aud must contain one of these (the API\'s identifier, e.g. api://storage).'),
  opaqueTokens: z
    .enum(['userinfo', 'reject'])
    .default('userinfo')
    .describe('userinfo: a token that is not a JWT is checked at the IdP\'s userinfo endpoint (user tokens only) and its claims come from there; reject: JWT access tokens only.'),
  roleMapping: authMapSchema,
  allowedAlgs: algorithmsOption,
  clockSkewSeconds: clockSkewOption,
  ...jwksOptions,
  ...commonOptions,
  flaw: flawOption('bearer-api'),
});

export type BearerApiOptions = z.input<typeof bearerApiOptionsSchema>;
export type BearerApiConfig = z.output<typeof bearerApiOptionsSchema>;
