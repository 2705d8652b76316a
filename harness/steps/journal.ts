import { z } from 'zod';
import type { JournalEntry } from '../../mock-idp/index.ts';
import { redact } from '../assertions/format.ts';
import { match } from '../assertions/matchers.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { defineStep } from './step.ts';

/*
 * What the IdP saw: its journal of requests for this scenario's tenants, filtered. `by: target`
 * keeps the requests the system under test made (the harness tags its own), so a scenario can
 * assert that the target fetched the JWKS again, redeemed the code once, or never called userinfo.
 */

const args = z.strictObject({
  where: z
    .strictObject({
      endpoint: z
        .string()
        .optional()
        .describe(
          'discovery, jwks, authorize, par, token, userinfo, introspection, revocation, device_authorization, device_verification, end_session, interaction.',
        ),
      by: z.enum(['target', 'harness', 'any']).default('any').describe('Requests of the target (untagged), of the harness, or both.'),
      client: z.string().optional(),
      user: z.string().optional(),
      grant: z.string().optional().describe('grant_type of token requests.'),
      status: z.union([z.number().int(), z.string()]).optional().describe('A status or a comparison (">= 400").'),
      error: z.string().optional().describe('OAuth error code of the response.'),
      method: z.string().optional(),
    })
    .default({ by: 'any' }),
  since: z.enum(['scenario', 'step']).default('scenario').describe('All of the scenario, or only since the previous step started.'),
  tenant: z.string().optional().describe('Another issuer of the scenario (an alias from idp.others).'),
  count: z.unknown().optional().describe('Shorthand assertion on the number of entries: 1, ">= 1", {lte: 2}.'),
});

type Args = z.output<typeof args>;

export const journalStep = defineStep<Args>({
  name: 'journal',
  summary: 'Looks at what the IdP saw (its request journal) for this scenario, e.g. what the target asked.',
  schema: args,
  defaultAs: 'journal',
  label: (a) =>
    `journal ${Object.entries(a.where)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ')}`,
  async run(ctx, a) {
    const tenant = a.tenant ? ctx.idp.others[a.tenant]?.tenant : ctx.idp.tenant;
    if (!tenant) throw new StepFailure(`no other issuer "${a.tenant}"; declare it under idp.others`);
    const since = a.since === 'step' ? ctx.previousStepJournalStart : ctx.journalStart;
    const where = a.where;
    const entries = ctx.idp
      .journal(since)
      .filter((entry: JournalEntry) => entry.tenant === tenant)
      .filter((entry) => where.by === 'any' || (where.by === 'target' ? entry.scenario !== ctx.tag : entry.scenario === ctx.tag))
      .filter((entry) => where.endpoint === undefined || entry.endpoint === where.endpoint)
      .filter((entry) => where.client === undefined || entry.clientId === where.client)
      .filter((entry) => where.user === undefined || entry.user === where.user)
      .filter((entry) => where.grant === undefined || entry.grantType === where.grant)
      .filter((entry) => where.error === undefined || entry.error === where.error)
      .filter((entry) => where.method === undefined || entry.method.toUpperCase() === where.method.toUpperCase())
      .filter((entry) => where.status === undefined || match(entry.status, where.status, 'status', { nowSeconds: undefined }).length === 0);
    const summary = entries.map((entry) =>
      redact({
        seq: entry.seq,
        endpoint: entry.endpoint,
        method: entry.method,
        path: entry.path,
        status: entry.status,
        clientId: entry.clientId,
        grantType: entry.grantType,
        user: entry.user,
        error: entry.error,
        params: entry.params,
        by: entry.scenario === ctx.tag ? 'harness' : 'target',
      }),
    );
    // The journal masks the Authorization header already ("Basic client-id:***", "Bearer ***"): kept as it is.
    entries.forEach((entry, index) => {
      if (entry.authorization) (summary[index] as Record<string, unknown>)['authorization'] = entry.authorization;
    });
    return { value: { count: entries.length, entries: summary, first: summary[0], last: summary[summary.length - 1] } };
  },
  implicitFailure(outcome, a) {
    if (a.count === undefined) return undefined;
    const count = (outcome.value as { count: number }).count;
    const mismatches = match(count, a.count, 'count', { nowSeconds: undefined });
    return mismatches.length === 0 ? undefined : `journal: expected ${mismatches[0]!.message.replace(/^expected /, '')} matching entries${describeWhere(a)}`;
  },
});

function describeWhere(a: Args): string {
  const parts = Object.entries(a.where)
    .filter(([key, value]) => !(key === 'by' && value === 'any'))
    .map(([key, value]) => `${key} ${String(value)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
