import type { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import { ConfigError, problemsFromZod } from './errors.ts';

/** Input checked against a schema; problems name the field under `prefix` (e.g. tenants.default.users.alice). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = problemsFromZod(result.error, prefix);
  throw new InvalidInputError(new ConfigError(problems).message, problems);
}
