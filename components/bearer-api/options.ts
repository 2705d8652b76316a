import { z } from 'zod';
import { authMapSchema } from '../role-mapping/auth-map.ts';
import { algorithmsOption, clockSkewOption, commonOptions, flawOption, jwksOptions } from '../server/options.ts';

/** Every option of the bearer API, with its default (docs/components.md lists them). */
export const bearerApiOptionsSchema = z.strictObject({
  issuer: z.url().describe('Issuer of the access tokens.'),
  discoveryUrl: z.url().optional().describe('Where to fetch discovery instead of <issuer>/.well-known/openid-configuration.'),
  audiences: z.array(z.string().min(1)).min(1).describe("A JWT access token's aud must contain one of these (the API's identifier, e.g. api://storage)."),
  opaqueTokens: z
    .enum(['userinfo', 'reject'])
    .default('userinfo')
    .describe(
      "userinfo: a token that is not a JWT is checked at the IdP's userinfo endpoint (user tokens only) and its claims come from there; reject: JWT access tokens only.",
    ),
  roleMapping: authMapSchema,
  dpop: z
    .enum(['allow', 'require'])
    .default('allow')
    .describe(
      'allow: DPoP-bound tokens (cnf.jkt) need "Authorization: DPoP" and a proof of their key, other tokens are Bearer tokens; require: only DPoP-bound tokens are accepted.',
    ),
  dpopProofMaxAgeSeconds: z
    .number()
    .int()
    .positive()
    .max(300)
    .default(60)
    .describe("How far a DPoP proof's iat may be from now, in seconds; proof ids (jti) are remembered that long to refuse replays."),
  publicUrl: z
    .url()
    .optional()
    .describe("The API's URL as its clients call it (the htu of their DPoP proofs) when it sits behind a proxy. Default: the URL of the request."),
  allowedAlgs: algorithmsOption,
  clockSkewSeconds: clockSkewOption,
  ...jwksOptions,
  ...commonOptions,
  flaw: flawOption('bearer-api'),
});

export type BearerApiOptions = z.input<typeof bearerApiOptionsSchema>;
export type BearerApiConfig = z.output<typeof bearerApiOptionsSchema>;
