import { z } from 'zod';
import { clientSchema, faultRuleSchema, tenantSchema, userSchema } from '../../mock-idp/index.ts';
import { STEP_KINDS } from '../steps/index.ts';
import { TARGET_NAMES } from '../targets/names.ts';
import { DEFAULT_REDIRECT_URI } from './defaults.ts';
import { durationSchema } from './duration.ts';
import { commonStepFields } from './step-fields.ts';

export { commonStepFields };

/*
 * The scenario format, one documented place: `mockidp schema` exports it as JSON Schema for
 * editors, `mockidp validate` checks files against it, and docs/scenarios.md describes it.
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
    keys: tenantShape.keys.unwrap().optional().describe("Signing keys. Default: the suite's alternate RS256 and ES256 keys (generated once per run)."),
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
    keys: tenantShape.keys.unwrap().optional().describe("Signing keys. Default: the suite's RS256 and ES256 keys (generated once per run)."),
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

export const targetRefSchema = z
  .union([
    z.enum(TARGET_NAMES),
    z.strictObject({
      name: z.enum(TARGET_NAMES),
      flavour: z
        .enum(['aws', 'minio'])
        .optional()
        .describe('aws-sts only: the flavour the scenario is written for; an external target of another flavour skips it.'),
      options: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('Options of the embedded reference component (ignored by external targets, which their user configures).'),
    }),
  ])
  .describe('The system under test. Omit it for scenarios that test the IdP itself.');

export const stepSchema = z
  .union(
    STEP_KINDS.map((kind) => z.strictObject({ [kind.name]: kind.schema, ...commonStepFields }).describe(kind.summary)) as unknown as [
      z.ZodType,
      z.ZodType,
      ...z.ZodType[],
    ],
  )
  .describe('One step: exactly one step kind, plus name, as, expect and timeout.');

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path of the JSON Schema, for editors.'),
    name: z.string().min(1).describe('What the scenario proves, as a sentence.'),
    description: z.string().optional(),
    tags: z.array(z.string().min(1)).default([]).describe('Tags for --tag (flow, target, RP certification test ids such as rp-id_token-aud).'),
    include: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('YAML files (relative to this one) merged under this scenario: shared set-up.'),
    idp: idpSetupSchema.default({ standardClients: true }),
    target: targetRefSchema.optional(),
    exclusive: z.boolean().default(false).describe('Run alone (for scenarios that change state shared by all scenarios).'),
    timeout: durationSchema.optional().describe('Time limit of the whole scenario (default 30s).'),
    stepTimeout: durationSchema.optional().describe('Default time limit of each step (default 10s).'),
    skip: z.string().min(1).optional().describe('Skip this scenario, with the reason.'),
    steps: z.array(z.unknown()).min(1).describe('The steps, in order.'),
  })
  .describe('A scenario: IdP set-up, target and steps.');

export type ScenarioInput = z.output<typeof scenarioSchema>;

/** The JSON Schema of scenario files (for editors: yaml-language-server, VS Code, IntelliJ). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const full = scenarioSchema.extend({ steps: z.array(stepSchema).min(1).describe('The steps, in order.') });
  const schema = z.toJSONSchema(full, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $id: 'https://mockidp.dev/schemas/scenario.json', title: 'mockidp scenario', ...schema };
}
