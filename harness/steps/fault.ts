import { z } from 'zod';
import { faultRuleSchema } from '../../mock-idp/index.ts';
import { addFaults, clearFaults } from '../runner/idp-features.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { defineStep } from './step.ts';

/*
 * Makes the IdP misbehave from now on (or stop misbehaving). The rules are the IdP's fault rules:
 * match (endpoint, client, user, grant, tag) + action + how often; see docs/faults.md.
 */

const args = z
  .strictObject({
    add: z
      .union([faultRuleSchema, z.array(faultRuleSchema)])
      .optional()
      .describe('A fault rule or a list of them (docs/faults.md).'),
    clear: z.boolean().optional().describe('Remove every fault rule of the tenant.'),
    tenant: z.string().optional().describe('Another issuer of the scenario (an alias from idp.others).'),
  })
  .refine((value) => value.add !== undefined || value.clear === true, { message: 'say what to do: add (a rule or a list) or clear: true' });

type Args = z.output<typeof args>;

export const faultStep = defineStep<Args>({
  name: 'fault',
  summary: 'Adds fault rules to the IdP (wrong claims, bad signatures, errors, latency...) or clears them.',
  schema: args,
  label: (a) => (a.clear ? 'clear faults' : `fault ${JSON.stringify(a.add).slice(0, 60)}`),
  async run(ctx, a) {
    const tenant = a.tenant ? ctx.idp.others[a.tenant]?.tenant : ctx.idp.tenant;
    if (!tenant) throw new StepFailure(`no other issuer "${a.tenant}"; declare it under idp.others`);
    if (a.clear) await clearFaults(ctx.idp.admin, tenant);
    const added = a.add === undefined ? [] : await addFaults(ctx.idp.admin, tenant, Array.isArray(a.add) ? a.add : [a.add]);
    ctx.trace.note(ctx.step, 'idp', a.clear ? 'faults cleared' : `fault added: ${JSON.stringify(a.add)}`);
    return { value: { added } };
  },
});
