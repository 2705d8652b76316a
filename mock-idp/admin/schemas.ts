import { z } from 'zod';
import { MAX_SECONDS, offsetSeconds, SIGNING_ALGS } from '../config/schema.ts';
import { ConfigError, problemsFromZod } from '../config/errors.ts';
import { InvalidInputError } from '../errors.ts';

/** The bodies and queries the admin API takes (users, clients, faults and tokens have the configuration's schemas). */

export const rotateSchema = z.strictObject({
  alg: z.enum(SIGNING_ALGS).optional(),
  graceSeconds: z.number().int().nonnegative().max(MAX_SECONDS).optional(),
});
export const clockSchema = z.strictObject({
  offsetSeconds: offsetSeconds.optional(),
  frozenAt: z.iso.datetime({ offset: true }).nullable().optional(),
  freeze: z.boolean().optional(),
});
export const advanceSchema = z.strictObject({ seconds: offsetSeconds });
export const revokeSchema = z.strictObject({ user: z.string().min(1).optional(), client: z.string().min(1).optional() });
export const newTenantSchema = z.strictObject({ name: z.string().min(1), config: z.unknown().optional() });
export const journalQuerySchema = z.strictObject({
  tenant: z.string().optional(),
  endpoint: z.string().optional(),
  client_id: z.string().optional(),
  user: z.string().optional(),
  scenario: z.string().optional(),
  status: z.coerce.number().int().optional(),
  since: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().positive().optional(),
});

/** A body or query checked against its schema; `what` names the request in the message ("key rotation: ..."). */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = problemsFromZod(result.error);
  throw new InvalidInputError(`${what}: ${new ConfigError(problems).message.split('\n').slice(1).join('; ').trim()}`, problems);
}
