import { z } from 'zod';
import { clientSchema, faultRuleSchema, tenantSchema, userSchema } from '../../mock-idp/index.ts';
import { DEFAULT_REDIRECT_URI } from './defaults.ts';

/*
 * The `idp:` part of a scenario: the tenant it gets, in the IdP configuration's own terms (tenant, user,
 * client and fault schemas of mock-idp/index.ts). Part of the scenario format in ./schema.ts.
 */

/** A client as in the IdP configuration; a code-flow client without redirect URIs gets the default one. */
const scenarioClientSchema = z.preprocess((input) => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const client = input as Record<string, unknown>;
  const grants = (client['grants'] as unknown[] | undefined) ?? ['authorization_code'];
  if (client['redirectUris'] === undefined && Array.isArray(grants) && grants.includes('authorization_code'))
    return { ...client, redirectUris: [DEFAULT_REDIRECT_URI] };
  return client;
}, clientSchema);

const tenantShape = tenantSchema.shape;

const usersSchema = z
  .union([
    z.array(z.string().min(1)).describe('Standard users by name (alice, bob, carol; others get name@example.test).'),
    z.record(z.string().min(1), userSchema),
  ])
  .describe('Users of the tenant: a list of names, or users by name as in the IdP configuration.');

const otherTenantSchema = z
  .strictObject({
    users: usersSchema.optional(),
    clients: z.record(z.string().min(1), scenarioClientSchema).optional(),
    keys: tenantShape.keys
      .unwrap()
      .optional()
      .describe("Signing keys. Default: the suite's alternate RS256 and ES256 keys. Keys listed without a jwk get keys made once per run."),
    defaultAlg: tenantShape.defaultAlg.optional(),
  })
  .describe('Another issuer for this scenario (its own keys): tokens from a foreign IdP.');

export const idpSetupSchema = z
  .strictObject({
    profile: tenantShape.profile.describe(
      'Provider profile applied to the tenant: google, entra, adfs, auth0, okta, keycloak, or {name, ...options} (docs/profiles/).',
    ),
    users: usersSchema.optional(),
    clients: z
      .record(z.string().min(1), scenarioClientSchema)
      .optional()
      .describe('Clients by client_id, added to the standard ones (demo, web, service, cli).'),
    standardClients: z.boolean().default(true).describe('Add the standard clients demo, web, service and cli.'),
    // No schema default: without keys the tenant gets the suite's keys, not freshly generated ones.
    keys: tenantShape.keys
      .unwrap()
      .optional()
      .describe("Signing keys. Default: the suite's RS256 and ES256 keys. Keys listed without a jwk get keys made once per run."),
    defaultAlg: tenantShape.defaultAlg.optional(),
    keyRotationGraceSeconds: tenantShape.keyRotationGraceSeconds.optional(),
    clock: tenantShape.clock.optional(),
    ttl: z
      .record(z.string(), z.number().int().positive())
      .optional()
      .describe('Token lifetimes in seconds (accessToken, idToken, refreshToken, authorizationCode, deviceCode, ...).'),
    refreshTokens: tenantShape.refreshTokens.optional(),
    deviceFlow: tenantShape.deviceFlow.optional(),
    scopes: tenantShape.scopes.optional(),
    registration: tenantShape.registration.optional(),
    requestObjects: tenantShape.requestObjects.optional(),
    faults: z.array(faultRuleSchema).optional().describe('Fault rules installed before the first step (docs/faults.md).'),
    others: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/, 'short names of letters, digits, "_" and "-"'), otherTenantSchema)
      .optional()
      .describe('Other issuers by alias; ${idp.others.<alias>.issuer} in steps.'),
    targetClient: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Changes to the target's own client (for example {pkce: required} or {ttl: {idToken: 60}})."),
  })
  .describe('The IdP tenant this scenario gets (its own issuer, unless the target is external).');

export type IdpSetup = z.output<typeof idpSetupSchema>;
