import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { ScenarioContext } from '../runner/context.ts';
import { defineStep } from './step.ts';

/*
 * Waits until the target may fetch the IdP's JWKS again. Components refetch the keys for a kid they
 * do not know at most once per cool-down (jose's createRemoteJWKSet: 30 s), so a scenario that needs
 * a second fetch (after a rotation, an outage, a restart with new keys) waits out the cool-down the
 * user declared (--target-option NAME.jwksRefetchCooldown) since the target's last JWKS fetch. The
 * reference components start fresh for every scenario and reload a key set they never loaded
 * without waiting, so with them there is nothing to wait for.
 */

const MARGIN_MS = 250;

/** How long the scenario's target must still wait before it may fetch the JWKS again. */
function cooldownLeft(ctx: ScenarioContext): number {
  const target = ctx.target;
  if (!target?.external) return 0;
  const run = ctx.tag.slice(0, ctx.tag.indexOf('/') + 1);
  const fetches = ctx.idp.journal(0).filter((entry) => entry.endpoint === 'jwks' && !entry.scenario?.startsWith(run));
  const last = fetches[fetches.length - 1];
  if (!last) return 0;
  return Math.max(0, Date.parse(last.at) + target.declared.jwksRefetchCooldownMs + MARGIN_MS - Date.now());
}

export const jwksCooldownStep = defineStep<Record<string, never>>({
  name: 'jwks_cooldown',
  summary:
    'Waits until the target may fetch the JWKS again: its declared refetch cool-down since its last fetch (nothing to wait for with the reference components).',
  schema: z.strictObject({}),
  label: () => "wait out the target's JWKS refetch cool-down",
  allowanceMs: (ctx) => cooldownLeft(ctx),
  async run(ctx) {
    const waited = cooldownLeft(ctx);
    if (waited > 0) {
      ctx.trace.note(
        ctx.step,
        'runner',
        `waiting ${Math.ceil(waited / 1000)} s: the ${ctx.target!.kind.name}'s JWKS refetch cool-down (${ctx.target!.declared.jwksRefetchCooldownMs / 1000} s) since its last fetch`,
      );
      await delay(waited, undefined, { signal: ctx.signal });
    }
    return { value: { waited_ms: waited } };
  },
});
