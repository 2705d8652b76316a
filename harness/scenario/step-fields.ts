import { z } from 'zod';
import { expectSchema } from '../assertions/expect.ts';
import { durationSchema } from './duration.ts';

/** Fields every step may have next to its kind. */
export const commonStepFields = {
  name: z.string().min(1).optional().describe('What the step does, in words (shown in reports).'),
  as: z
    .string()
    .regex(/^[A-Za-z_][\w]*$/, 'variable names are letters, digits and _')
    .optional()
    .describe('Save the outcome as a variable for later steps: ${name.json.token}.'),
  expect: expectSchema.optional(),
  timeout: durationSchema.optional().describe("Time limit of this step (default: the scenario's stepTimeout, else 10s)."),
};
