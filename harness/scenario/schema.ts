import { z } from 'zod';
import { STEP_KINDS } from '../steps/index.ts';
import { TARGET_NAMES } from '../targets/names.ts';
import { durationSchema } from './duration.ts';
import { idpSetupSchema } from './idp-setup.ts';
import { commonStepFields } from './step-fields.ts';

/*
 * The scenario format, one documented place: `mockidp schema` exports it as JSON Schema for
 * editors, `mockidp validate` checks files against it, and docs/scenarios.md describes it.
 */

const targetRefSchema = z
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

const stepSchema = z
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

/** The JSON Schema of scenario files (for editors: yaml-language-server, VS Code, IntelliJ). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const full = scenarioSchema.extend({ steps: z.array(stepSchema).min(1).describe('The steps, in order.') });
  const schema = z.toJSONSchema(full, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $id: 'https://mockidp.dev/schemas/scenario.json', title: 'mockidp scenario', ...schema };
}
