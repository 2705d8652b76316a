import { z } from 'zod';
import { formatPath, zodProblems } from '../../common/problems.ts';
import { OptionsError } from '../errors.ts';
import { FLAWS, checkFlaw, type ComponentName, type FlawName } from '../flaws.ts';

/** Options every component shares: where it listens, how much it logs, its clock, its flaw. */
export const commonOptions = {
  host: z.string().min(1).default('127.0.0.1').describe('Address to bind (loopback by default).'),
  port: z.number().int().min(0).max(65535).default(0).describe('Port to bind; 0 picks a free port.'),
  logLevel: z.enum(['silent', 'info', 'debug']).default('silent').describe('Console output: start-up lines and warnings (info), one line per request (debug).'),
  now: z
    .custom<() => number>((value) => typeof value === 'function', 'now must be a function returning epoch milliseconds')
    .default(() => () => Date.now())
    .describe("The component's clock (epoch ms); tests move it instead of sleeping."),
  httpTimeoutMs: z.number().int().positive().default(5000).describe('Timeout of each call to the IdP or to another component.'),
  caFile: z
    .string()
    .min(1)
    .optional()
    .describe(
      "PEM file of a CA to trust for an https IdP besides the system's (mockidp's local CA: ~/.config/mockidp/ca/ca.pem); it is added to the process's trusted CAs, as NODE_EXTRA_CA_CERTS would.",
    ),
};

export function flawOption(component: ComponentName) {
  const names = FLAWS.filter((flaw) => flaw.component === component).map((flaw) => flaw.name);
  return z
    .custom<FlawName>((value) => typeof value === 'string', 'flaw must be a flaw name (a string)')
    .meta({ type: 'string' })
    .optional()
    .superRefine((flaw, ctx) => {
      try {
        checkFlaw(component, flaw);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .describe(`A deliberate flaw (for conformance tests only): ${names.join(', ')}.`);
}

/** Parses options with a zod schema; the error names each bad field and what is expected. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, component: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = zodProblems(result.error).map((problem) => `  ${problem.path.length > 0 ? formatPath(problem.path) : '(options)'}: ${problem.message}`);
  throw new OptionsError(`invalid ${component} options:\n${problems.join('\n')}`);
}

export const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export const algorithmsOption = z
  .array(
    z.string().refine((alg) => (ASYMMETRIC_ALGS as readonly string[]).includes(alg), {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not allowed: use asymmetric algorithms only (${ASYMMETRIC_ALGS.join(', ')}); "none" and HMAC algorithms are never accepted`,
    }),
  )
  .min(1)
  .default([...ASYMMETRIC_ALGS])
  .describe('JWS algorithms accepted for IdP tokens.');

export const clockSkewOption = z.number().int().min(0).max(300).default(60).describe('Clock skew tolerated on exp, nbf and iat, in seconds (at most 300).');

export const jwksOptions = {
  jwksMaxAgeSeconds: z.number().int().positive().default(600).describe("How long the IdP's key set is used before it is fetched again."),
  jwksRefetchCooldownSeconds: z.number().int().min(0).default(30).describe('An unknown kid triggers a JWKS refetch at most this often.'),
};
