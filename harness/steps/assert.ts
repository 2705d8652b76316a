import { z } from 'zod';
import { defineStep } from './step.ts';

/*
 * An expectation on variables alone: `- assert: { "login.tokens.id_token.claims.sub": alice }`.
 * Every key is a variable path, every value a matcher (as in `expect`); values may use ${...} to
 * compare two variables: `"second.json.refresh_token": { ne: "${first.json.refresh_token}" }`.
 */

const args = z.record(z.string().min(1), z.unknown()).describe('Variable paths and what they must match.');

type Args = z.output<typeof args>;

export const assertStep = defineStep<Args>({
  name: 'assert',
  summary: 'Checks variables (tokens, values saved by earlier steps) against matchers.',
  schema: args,
  label: (a) => `assert ${Object.keys(a).join(', ')}`,
  expectFrom: (a) => ({ vars: a }),
  async run() {
    return {};
  },
});
