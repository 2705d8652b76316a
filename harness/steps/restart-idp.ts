import { z } from 'zod';
import { durationSchema, toMs } from '../scenario/duration.ts';
import { defineStep } from './step.ts';

/*
 * Restarts the IdP between two steps, as a deployment or a crash would: the port is closed for the
 * downtime (connections dropped, new ones refused), then every tenant comes back with its users,
 * clients and clock but without sessions, grants, codes or tokens, and with new signing keys when
 * asked. A scenario with this step runs alone, since the IdP is shared by the whole run.
 */

const args = z.strictObject({
  downtime: durationSchema.default('200ms').describe('How long the IdP stays down.'),
  newKeys: z.boolean().default(false).describe('Come back with new signing keys (an IdP that generates its keys at start).'),
});

type Args = z.output<typeof args>;

export const restartIdpStep = defineStep<Args>({
  name: 'restart_idp',
  summary: 'Restarts the IdP: down for a while, back without sessions, grants or tokens (and with new keys if asked). The scenario runs alone.',
  schema: args,
  label: (a) => `restart the IdP (down ${toMs(a.downtime)} ms${a.newKeys ? ', new keys' : ''})`,
  async run(ctx, a) {
    await ctx.idp.restart({ downtimeMs: toMs(a.downtime), newKeys: a.newKeys });
    ctx.trace.note(ctx.step, 'idp', `IdP restarted${a.newKeys ? ' with new keys' : ''}`);
    return { value: { downtimeMs: toMs(a.downtime), newKeys: a.newKeys } };
  },
});
