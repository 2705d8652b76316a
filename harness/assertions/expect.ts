import { z } from 'zod';
import { decodeToken, get } from '../scenario/path.ts';
import { match, usesClock, type MatchContext, type Mismatch } from './matchers.ts';
import type { StepOutcome } from './outcome.ts';

const matcher = z
  .any()
  .describe(
    'A value (equality), a comparison string (">= 1"), a list, an object of operators (eq ne gt gte lt lte matches contains startsWith endsWith oneOf exists absent type length not all any has jwt jwtHeader within secondsFromNow secondsAfter before after), or an object whose fields or paths must match.',
  );
const fields = z.record(z.string(), matcher);

export const expectSchema = z
  .strictObject({
    status: matcher.optional().describe('HTTP status: 200, [200, 204] via oneOf, ">= 400".'),
    headers: fields.optional().describe('Response headers by lower-case name.'),
    body: matcher.optional().describe('The body as text, e.g. {contains: "expired"}.'),
    json: fields.optional().describe('Fields or paths of the JSON body: {"claims.sub": alice}.'),
    xml: fields.optional().describe('Fields or paths of the XML body, namespaces dropped: {"ErrorResponse.Error.Code": InvalidIdentityToken}.'),
    claims: z
      .record(z.string(), fields)
      .optional()
      .describe('Decoded claims of JWTs found at a path of the JSON body or the step value: {id_token: {aud: demo}}.'),
    value: fields.optional().describe("Fields or paths of the step value (a login's code/error, a call's credentials, journal entries...)."),
    vars: fields.optional().describe('Fields or paths of the scenario variables.'),
    exit: matcher.optional().describe('Exit code of a command.'),
    stdout: matcher.optional().describe('Standard output of a command.'),
    stderr: matcher.optional().describe('Standard error of a command.'),
  })
  .describe('What the step must have produced; every listed part must match.');

export type Expect = z.infer<typeof expectSchema>;

export function needsClock(expectation: Expect): boolean {
  return usesClock(expectation);
}

/** Every mismatch between a step's outcome and its expectation (empty: it passed). */
export function evaluate(expectation: Expect, outcome: StepOutcome, vars: Record<string, unknown>, ctx: MatchContext): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const check = (actual: unknown, expected: unknown, path: string) => mismatches.push(...match(actual, expected, path, ctx));
  if (expectation.status !== undefined) check(outcome.status, expectation.status, 'status');
  if (expectation.headers) {
    for (const [name, expected] of Object.entries(expectation.headers)) check(outcome.headers?.[name.toLowerCase()], expected, `headers.${name.toLowerCase()}`);
  }
  if (expectation.body !== undefined) check(outcome.body, expectation.body, 'body');
  if (expectation.json) {
    if (outcome.json === undefined) mismatches.push(notParsed('json', 'JSON', outcome, expectation.json));
    else check(outcome.json, expectation.json, 'json');
  }
  if (expectation.xml) {
    if (outcome.xml === undefined) mismatches.push(notParsed('xml', 'XML', outcome, expectation.xml));
    else check(outcome.xml, expectation.xml, 'xml');
  }
  if (expectation.claims) {
    for (const [path, expected] of Object.entries(expectation.claims)) {
      const token = get(outcome.json, path) ?? get(outcome.value, path);
      const decoded = decodeToken(token);
      if (!decoded) {
        mismatches.push({
          path: `claims.${path}`,
          message: `expected a JWT at "${path}" of the response or step value, found ${token === undefined ? 'nothing' : 'something else'}`,
          expected,
          actual: token,
        });
      } else check(decoded.claims, expected, `claims.${path}`);
    }
  }
  if (expectation.value) check(outcome.value, expectation.value, 'value');
  if (expectation.vars) check(vars, expectation.vars, 'vars');
  if (expectation.exit !== undefined) check(outcome.exit, expectation.exit, 'exit');
  if (expectation.stdout !== undefined) check(outcome.stdout, expectation.stdout, 'stdout');
  if (expectation.stderr !== undefined) check(outcome.stderr, expectation.stderr, 'stderr');
  return mismatches;
}

function notParsed(path: string, kind: string, outcome: StepOutcome, expected: unknown): Mismatch {
  const body =
    outcome.body === undefined
      ? 'no body'
      : outcome.body === ''
        ? 'an empty body'
        : `${JSON.stringify(outcome.body.slice(0, 120))}${outcome.body.length > 120 ? '…' : ''}`;
  const status = outcome.status === undefined ? '' : ` (status ${outcome.status}, content-type ${outcome.headers?.['content-type'] ?? 'none'})`;
  return { path, message: `expected a ${kind} body, got ${body}${status}`, expected, actual: outcome.body };
}
