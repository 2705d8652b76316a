import { z } from 'zod';
import { algorithmsOption, clockSkewOption, commonOptions, flawOption, jwksOptions } from '../server/options.ts';

/** Every option of the authenticator, with its default (docs/components.md lists them). */
export const authenticatorOptionsSchema = z.strictObject({
  issuer: z.url().describe("The IdP's issuer URL; discovery is fetched from <issuer>/.well-known/openid-configuration."),
  discoveryUrl: z.url().optional().describe('Where to fetch discovery instead (its issuer must still equal `issuer`).'),
  clientId: z.string().min(1).describe('The client the authenticator redeems codes as; ID tokens must be issued to it.'),
  clientSecret: z.string().min(1).optional().describe('Secret of a confidential client; omit for a public client.'),
  tokenEndpointAuthMethod: z
    .enum(['client_secret_basic', 'client_secret_post', 'none'])
    .optional()
    .describe('How the client authenticates at the token endpoint. Default: client_secret_basic with a secret, none without.'),
  pkce: z
    .enum(['state', 'off'])
    .default('state')
    .describe('state: the lakeFS flow carries the PKCE code verifier in `state` (see docs); off: no code_verifier is sent.'),
  redirectUris: z.array(z.url()).optional().describe('When set, redirect_uri must be one of these exactly (400 otherwise).'),
  allowedAlgs: algorithmsOption,
  clockSkewSeconds: clockSkewOption,
  trustedAudiences: z.array(z.string().min(1)).default([]).describe('Audiences that may appear in an ID token next to the client id.'),
  claimMapping: z
    .record(z.string().min(1), z.string().min(1))
    .optional()
    .describe('Output claim name -> ID token claim name. When set, only these claims (and sub) are returned.'),
  ...jwksOptions,
  ...commonOptions,
  flaw: flawOption('authenticator'),
});

export type AuthenticatorOptions = z.input<typeof authenticatorOptionsSchema>;
export type AuthenticatorConfig = z.output<typeof authenticatorOptionsSchema>;
