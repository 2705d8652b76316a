import { z } from 'zod';
import { AdminError } from '../../mock-idp/index.ts';
import type { ScenarioContext } from '../runner/context.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { defineStep } from './step.ts';

/*
 * Changes the IdP between steps through its admin API: users, clients, signing keys, grants and
 * sessions, and tokens minted without a flow (with chosen claims, for tampering scenarios).
 */

const record = z.record(z.string(), z.unknown());

const args = z
  .strictObject({
    user: z
      .strictObject({
        name: z.string().min(1),
        put: record.optional().describe('Create or replace the user.'),
        patch: record.optional().describe('Change some fields (groups, claims, email...).'),
        disable: z.boolean().optional(),
        enable: z.boolean().optional(),
        remove: z.boolean().optional(),
      })
      .optional(),
    client: z
      .strictObject({
        id: z.string().min(1),
        put: record.optional(),
        patch: record.optional(),
        remove: z.boolean().optional(),
      })
      .optional(),
    keys: z
      .strictObject({
        rotate: z
          .union([z.boolean(), z.strictObject({ alg: z.string().optional(), graceSeconds: z.number().int().nonnegative().optional() })])
          .optional()
          .describe('Publish a new active key (the old one stays published for the grace period).'),
        revoke: z.string().optional().describe('Remove a key by kid ("active" for the current signing key).'),
      })
      .optional(),
    mint: record
      .optional()
      .describe(
        'Mint a token without a flow: {type: id_token|access_token, user, client, audience, claims, ttlSeconds, alg, kid}. Saves {token, header, payload}.',
      ),
    revoke_grants: z.strictObject({ user: z.string().optional(), client: z.string().optional() }).optional(),
    revoke_sessions: z.strictObject({ user: z.string().optional() }).optional(),
    tenant: z.string().optional().describe('Another issuer of the scenario (an alias from idp.others).'),
  })
  .refine(
    (value) =>
      ['user', 'client', 'keys', 'mint', 'revoke_grants', 'revoke_sessions'].filter((key) => value[key as keyof typeof value] !== undefined).length === 1,
    {
      message: 'one admin action per step: user, client, keys, mint, revoke_grants or revoke_sessions',
    },
  );

type Args = z.output<typeof args>;

function tenantOf(ctx: ScenarioContext, alias: string | undefined): string {
  if (alias === undefined) return ctx.idp.tenant;
  const other = ctx.idp.others[alias];
  if (!other) throw new StepFailure(`no other issuer "${alias}"; declare it under idp.others`);
  return other.tenant;
}

const enc = encodeURIComponent;

async function act(ctx: ScenarioContext, a: Args): Promise<{ value: unknown; note: string }> {
  const admin = ctx.idp.admin;
  const tenant = tenantOf(ctx, a.tenant);
  // The scenario's users, clients, key and mint requests go to the admin API as written: the IdP validates them and names a bad field.
  const send = <T = Record<string, unknown>>(method: string, path: string, body: unknown) => admin.request<T>(method, `/tenants/${enc(tenant)}${path}`, body);
  if (a.user) {
    const { name } = a.user;
    if (a.user.put) return { value: await send('PUT', `/users/${enc(name)}`, a.user.put), note: `user ${name} replaced` };
    if (a.user.patch)
      return { value: await send('PATCH', `/users/${enc(name)}`, a.user.patch), note: `user ${name} changed: ${Object.keys(a.user.patch).join(', ')}` };
    if (a.user.disable) return { value: await admin.users.disable(tenant, name), note: `user ${name} disabled` };
    if (a.user.enable) return { value: await admin.users.enable(tenant, name), note: `user ${name} enabled` };
    if (a.user.remove) return { value: await admin.users.remove(tenant, name), note: `user ${name} removed` };
    throw new StepFailure('admin.user needs put, patch, disable, enable or remove');
  }
  if (a.client) {
    const { id } = a.client;
    if (a.client.put) return { value: await send('PUT', `/clients/${enc(id)}`, a.client.put), note: `client ${id} replaced` };
    if (a.client.patch) return { value: await send('PATCH', `/clients/${enc(id)}`, a.client.patch), note: `client ${id} changed` };
    if (a.client.remove) return { value: await admin.clients.remove(tenant, id), note: `client ${id} removed` };
    throw new StepFailure('admin.client needs put, patch or remove');
  }
  if (a.keys) {
    if (a.keys.rotate) {
      const options = typeof a.keys.rotate === 'object' ? a.keys.rotate : {};
      const rotated = await send<{ added: string; retired?: string }>('POST', '/keys/rotate', options);
      return { value: rotated, note: `keys rotated: new kid ${rotated.added}${rotated.retired ? `, ${rotated.retired} retiring` : ''}` };
    }
    if (a.keys.revoke) {
      let kid = a.keys.revoke;
      if (kid === 'active') {
        const keys = await admin.keys.list(tenant);
        const active = keys.find((key) => key.status === 'active');
        if (!active) throw new StepFailure('no active key to revoke');
        kid = active.kid;
      }
      return { value: await admin.keys.revoke(tenant, kid), note: `key ${kid} removed from the JWKS` };
    }
    throw new StepFailure('admin.keys needs rotate or revoke');
  }
  if (a.mint) {
    const minted = await send('POST', '/tokens', a.mint);
    return { value: minted, note: `minted ${String(a.mint['type'] ?? 'id_token')}${a.mint['user'] ? ` for ${String(a.mint['user'])}` : ''}` };
  }
  if (a.revoke_grants) return { value: await admin.revokeGrants(tenant, a.revoke_grants), note: 'grants revoked' };
  if (a.revoke_sessions) return { value: await admin.revokeSessions(tenant, a.revoke_sessions), note: 'sessions revoked' };
  throw new StepFailure('nothing to do');
}

export const adminStep = defineStep<Args>({
  name: 'admin',
  summary: 'Changes users, clients or keys at the IdP, revokes grants or sessions, or mints a token without a flow.',
  schema: args,
  label: (a) =>
    `admin ${Object.keys(a)
      .filter((key) => key !== 'tenant')
      .join(' ')}`,
  async run(ctx, a) {
    try {
      const { value, note } = await act(ctx, a);
      ctx.trace.note(ctx.step, 'idp', note);
      return { value };
    } catch (error) {
      if (error instanceof AdminError) throw new StepFailure(`the IdP admin API refused: ${error.message}`);
      throw error;
    }
  },
});
