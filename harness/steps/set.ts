import { z } from 'zod';
import { defineStep } from './step.ts';

const args = z
  .record(z.string().regex(/^[A-Za-z_][\w]*$/, 'variable names are letters, digits and _'), z.unknown())
  .describe('Variables to set: name: value (templates allowed).');

type Args = z.output<typeof args>;

export const setStep = defineStep<Args>({
  name: 'set',
  summary: 'Sets variables for later steps (values may use ${...} templates).',
  schema: args,
  label: (a) => `set ${Object.keys(a).join(', ')}`,
  async run(ctx, a) {
    for (const [name, value] of Object.entries(a)) ctx.vars[name] = value;
    return { value: a };
  },
});
