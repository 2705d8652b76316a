import { z } from 'zod';

/*
 * What a configuration may say about a provider profile: each profile's options, and the profile field of a
 * tenant. Apart from the profiles themselves (which use the configuration's types), so that the configuration
 * schema can include this without an import cycle.
 */

export const googleOptions = z
  .strictObject({
    name: z.literal('google'),
    issuer: z
      .enum(['https', 'scheme-less'])
      .default('https')
      .describe('scheme-less: ID tokens carry the issuer without its scheme, as Google\'s legacy "accounts.google.com" (verifiers must accept both).'),
    hostedDomain: z.string().default('example.com').describe('The Workspace domain (hd claim) of users whose e-mail is in it.'),
  })
  .describe('Google accounts.');

export const entraOptions = z
  .strictObject({
    name: z.literal('entra'),
    version: z
      .enum(['v2', 'v1'])
      .default('v2')
      .describe(
        'Token and endpoint version: v2 (/oauth2/v2.0/*, iss .../{tid}/v2.0) or v1 (/oauth2/*, iss .../{tid}/ with a trailing slash, unique_name, x5t header).',
      ),
    audience: z
      .enum(['common', 'organizations', 'consumers', 'tenant'])
      .default('tenant')
      .describe('The authority: common and organizations serve the {tenantid} placeholder issuer; consumers is the personal-account tenant.'),
    tenantId: z
      .string()
      .regex(/^[0-9a-f-]{36}$/)
      .optional()
      .describe('The directory (tenant) GUID of the users. Default: derived from the tenant name.'),
    groupsOverageLimit: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe('Users with more groups than this get _claim_names/_claim_sources instead of groups (200 for JWTs).'),
  })
  .describe('Microsoft Entra ID (Azure AD).');

export const adfsOptions = z
  .strictObject({
    name: z.literal('adfs'),
    version: z.enum(['2019', '2016']).default('2019').describe('2016 has no device authorization endpoint.'),
    domain: z.string().default('corp.example.com').describe("The Active Directory domain of the users' UPNs."),
  })
  .describe('Active Directory Federation Services.');

export const auth0Options = z
  .strictObject({
    name: z.literal('auth0'),
    namespace: z.string().default('https://example.com/').describe('Namespace of custom claims (roles and groups go under it).'),
    endSessionDiscovery: z.boolean().default(false).describe('Advertise end_session_endpoint (/oidc/logout) in discovery (the tenant toggle).'),
  })
  .describe('Auth0.');

export const oktaOptions = z
  .strictObject({
    name: z.literal('okta'),
    server: z
      .enum(['custom', 'org'])
      .default('custom')
      .describe('custom: a custom authorization server (issuer .../oauth2/{authServerId}); org: the org authorization server.'),
    authServerId: z
      .string()
      .regex(/^[\w-]+$/)
      .default('default')
      .describe('Id of the custom authorization server.'),
  })
  .describe('Okta.');

export const keycloakOptions = z
  .strictObject({
    name: z.literal('keycloak'),
    realm: z
      .string()
      .regex(/^[\w-]+$/)
      .default('master')
      .describe('The realm name.'),
    legacyAuthPath: z.boolean().default(false).describe('Keycloak 16 and older (and Quarkus with http-relative-path=/auth): paths start with /auth.'),
  })
  .describe('Keycloak.');

const OPTIONS = [googleOptions, entraOptions, adfsOptions, auth0Options, oktaOptions, keycloakOptions] as const;
export const PROFILE_NAMES = OPTIONS.map((options) => options.shape.name.value);

/**
 * `profile: entra` or `profile: {name: entra, version: v1, audience: common}`: a name alone
 * takes the profile's defaults.
 */
export const profileSchema = z
  .preprocess(
    (input) => (typeof input === 'string' ? { name: input } : input),
    z.discriminatedUnion('name', [googleOptions, entraOptions, adfsOptions, auth0Options, oktaOptions, keycloakOptions], {
      error: (issue) =>
        issue.code === 'invalid_union' ? `unknown profile: profiles are ${PROFILE_NAMES.join(', ')} (a name, or {name, ...options})` : undefined,
    }),
  )
  .describe(`Behave like a real provider: ${PROFILE_NAMES.join(', ')} (docs/profiles/). A name, or {name, ...options}.`);

export type ProfileOption = z.output<typeof profileSchema>;
/** What a configuration may say: a profile name, or the name with options. */
export type ProfileInput =
  | ProfileOption['name']
  | z.input<typeof googleOptions>
  | z.input<typeof entraOptions>
  | z.input<typeof adfsOptions>
  | z.input<typeof auth0Options>
  | z.input<typeof oktaOptions>
  | z.input<typeof keycloakOptions>;
