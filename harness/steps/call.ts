import { formatPath, zodProblems } from '../../common/problems.ts';
import { z } from 'zod';
import type { ScenarioContext } from '../runner/context.ts';
import { StepFailure } from '../runner/step-failure.ts';
import type { Scenario } from '../scenario/model.ts';
import { TARGETS } from '../targets/index.ts';
import type { Operation, TargetKind } from '../targets/target.ts';
import { offerOf } from '../runner/declared.ts';
import { defineStep } from './step.ts';

/*
 * Calls the system under test: a named operation of the target (`authenticator.login`, with
 * defaults taken from earlier steps), or a raw HTTP request to the target, the IdP or any URL.
 */

const httpSchema = z.strictObject({
  method: z.string().default('GET'),
  url: z.string().min(1).describe('Absolute URL, or a path relative to the target (or to the issuer with to: idp).'),
  headers: z.record(z.string(), z.string()).optional(),
  json: z.unknown().optional(),
  form: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
});

const args = z.union([
  z.string().min(1).describe('An operation: "authenticator.login", or "login" for the scenario\'s target.'),
  z.strictObject({
    op: z.string().min(1).describe('Operation, e.g. aws-sts.assume_role.'),
    with: z.record(z.string(), z.unknown()).optional().describe('Parameters of the operation.'),
  }),
  z.strictObject({
    http: httpSchema,
    to: z.enum(['target', 'idp', 'url']).optional().describe('Who a relative url is for (default: the target, else the IdP).'),
  }),
]);

type Args = z.output<typeof args>;

function split(op: string): { target: string | undefined; operation: string } {
  const dot = op.lastIndexOf('.');
  return dot < 0 ? { target: undefined, operation: op } : { target: op.slice(0, dot), operation: op.slice(dot + 1) };
}

function findOperation(op: string, scenarioTarget: string | undefined): { kind: TargetKind; operation: Operation } | string {
  const { target, operation } = split(op);
  const name = target ?? scenarioTarget;
  if (!name) return `"${op}" names no target and the scenario has none: write "<target>.${operation}" and add "target:" to the scenario`;
  const kind = TARGETS.find((candidate) => candidate.name === name);
  if (!kind) return `unknown target "${name}" in "${op}"; targets: ${TARGETS.map((t) => t.name).join(', ')}`;
  if (scenarioTarget !== undefined && kind.name !== scenarioTarget)
    return `"${op}" is an operation of ${kind.name}, but this scenario's target is ${scenarioTarget}`;
  if (scenarioTarget === undefined) return `"${op}" needs the scenario to have "target: ${kind.name}"`;
  const found = kind.operations[operation];
  if (!found) return `${kind.name} has no operation "${operation}"; its operations: ${Object.keys(kind.operations).join(', ')}`;
  return { kind, operation: found };
}

export const callStep = defineStep<Args>({
  name: 'call',
  summary: 'Calls a named operation of the target, or sends a raw HTTP request to the target, the IdP or a URL.',
  schema: args,
  label: (a) => (typeof a === 'string' ? `call ${a}` : 'op' in a ? `call ${a.op}` : `${a.http.method} ${a.http.url}`),
  check(a, scenario: Scenario) {
    if (typeof a !== 'string' && !('op' in a)) return undefined;
    const op = typeof a === 'string' ? a : a.op;
    if (op.includes('${')) return undefined;
    const found = findOperation(op, scenario.target?.name);
    return typeof found === 'string' ? { message: found } : undefined;
  },
  async run(ctx: ScenarioContext, a) {
    if (typeof a !== 'string' && 'http' in a) return raw(ctx, a.http, a.to);
    const op = typeof a === 'string' ? a : a.op;
    const found = findOperation(op, ctx.scenario.target?.name);
    if (typeof found === 'string') throw new StepFailure(found);
    if (!ctx.target) throw new StepFailure(`the target ${found.kind.name} is not running`);
    const given = typeof a === 'string' ? {} : (a.with ?? {});
    const parsed = found.operation.params.safeParse(given);
    if (!parsed.success) {
      const problems = zodProblems(parsed.error)
        .map(({ path, message }) => `${path.length > 0 ? formatPath(path) : '(params)'}: ${message}`)
        .join('; ');
      throw new StepFailure(`bad parameters for ${found.kind.name}.${split(op).operation}: ${problems}`);
    }
    const outcome = await found.operation.run(ctx, ctx.target, parsed.data);
    const missing = notOffered(ctx, found.kind, split(op).operation, outcome.status);
    if (missing) throw new StepFailure(missing);
    return outcome;
  },
});

/** Whether an expectation names this status outright (200, "404", {oneOf: [404, 501]}, {eq: 404}). */
function namesStatus(expected: unknown, status: number): boolean {
  if (expected === status || expected === String(status)) return true;
  if (Array.isArray(expected)) return expected.some((item) => namesStatus(item, status));
  if (expected && typeof expected === 'object') {
    const operators = expected as Record<string, unknown>;
    return namesStatus(operators['eq'], status) || (Array.isArray(operators['oneOf']) && operators['oneOf'].some((item) => namesStatus(item, status)));
  }
  return false;
}

/**
 * A 404 or 501 from an operation the target offers means it does not offer it after all: that
 * fails the step whatever else it expected (a 404 would satisfy "status >= 400"), unless the
 * step expects exactly that status.
 */
function notOffered(ctx: ScenarioContext, kind: TargetKind, operation: string, status: number | undefined): string | undefined {
  if (status !== 404 && status !== 501) return undefined;
  if (namesStatus(ctx.scenario.steps[ctx.step]?.expect?.status, status)) return undefined;
  const offer = offerOf(kind, operation);
  if (!ctx.target?.external)
    return `the reference ${kind.name} answered ${status} to ${kind.name}.${operation} (${offer}), which it offers: a bug of the reference component`;
  const declared = [...ctx.target.declared.operations];
  return `the ${kind.name} answered ${status} to ${kind.name}.${operation}: it does not offer ${offer}, which it is declared to offer (every operation unless --target-option ${kind.name}.operations says otherwise). Offer it, or declare only what it offers: --target-option ${kind.name}.operations=${declared.filter((name) => name !== offer).join(',') || '...'}`;
}

async function raw(ctx: ScenarioContext, http: z.output<typeof httpSchema>, to: 'target' | 'idp' | 'url' | undefined) {
  const absolute = /^https?:\/\//.test(http.url);
  const spec = {
    method: http.method,
    url: http.url,
    ...(http.headers ? { headers: http.headers } : {}),
    ...(http.json !== undefined ? { json: http.json } : {}),
    ...(http.form ? { form: http.form } : {}),
    ...(http.body !== undefined ? { body: http.body } : {}),
  };
  const who =
    to ?? (absolute ? (ctx.actorOf(http.url) === 'idp' ? 'idp' : ctx.actorOf(http.url) === 'target' ? 'target' : 'url') : ctx.target ? 'target' : 'idp');
  if (who === 'idp') return ctx.sendToIdp(spec, `${http.method} ${http.url}`);
  if (who === 'target') return ctx.callTarget(spec, `${http.method} ${http.url}`);
  if (!absolute) throw new StepFailure(`"${http.url}" is not an absolute URL: with to: url, write the full address`);
  return ctx.sendTo('target', http.url, spec, `${http.method} ${http.url}`);
}
