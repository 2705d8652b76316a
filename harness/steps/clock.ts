import { z } from 'zod';
import { StepFailure } from '../runner/step-failure.ts';
import { defineStep } from './step.ts';

/*
 * Moves the IdP's clock for this scenario's tenant (tokens issued afterwards carry the shifted
 * iat/exp; expiry checks at the IdP use it too). The target keeps real time, so an offset is a
 * skew between IdP and target.
 */

const args = z
  .strictObject({
    advance: z.union([z.number().int(), z.string()]).optional().describe('Seconds to move forward (negative: back).'),
    offset: z.union([z.number().int(), z.string()]).optional().describe('Set the skew from real time, in seconds.'),
    freeze: z.boolean().optional().describe('Stop (true) or restart (false) the clock.'),
    tenant: z.string().optional().describe('Another issuer of the scenario (an alias from idp.others).'),
  })
  .refine((value) => value.advance !== undefined || value.offset !== undefined || value.freeze !== undefined, {
    message: 'say what to do with the clock: advance, offset or freeze',
  });

type Args = z.output<typeof args>;

function seconds(value: number | string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number)) throw new StepFailure(`clock.${field} must be a whole number of seconds, got ${JSON.stringify(value)}`);
  return number;
}

export const clockStep = defineStep<Args>({
  name: 'clock',
  summary: "Moves, skews or freezes the IdP clock of the scenario's tenant.",
  schema: args,
  label: (a) =>
    `clock ${a.advance !== undefined ? `${Number(a.advance) >= 0 ? '+' : ''}${a.advance} s` : a.offset !== undefined ? `offset ${a.offset} s` : a.freeze ? 'freeze' : 'unfreeze'}`,
  async run(ctx, a) {
    const tenant = a.tenant ? ctx.idp.others[a.tenant]?.tenant : ctx.idp.tenant;
    if (!tenant) throw new StepFailure(`no other issuer "${a.tenant}"; declare it under idp.others`);
    const admin = ctx.idp.admin;
    const offset = seconds(a.offset, 'offset');
    const advance = seconds(a.advance, 'advance');
    let state = await admin.clock.get(tenant);
    if (offset !== undefined || a.freeze !== undefined) {
      state = await admin.clock.set(tenant, {
        ...(offset === undefined ? {} : { offsetSeconds: offset }),
        ...(a.freeze === false ? { frozenAt: null } : {}),
        ...(a.freeze ? { freeze: true } : {}),
      });
    }
    if (advance !== undefined) state = await admin.clock.advance(tenant, advance);
    ctx.trace.note(ctx.step, 'idp', `clock: ${state.now} (offset ${state.offsetSeconds} s${state.frozenAt ? ', frozen' : ''})`);
    return { value: state };
  },
});
