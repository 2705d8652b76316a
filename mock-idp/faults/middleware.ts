import { setTimeout as delay } from 'node:timers/promises';
import type { Context, Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { FiredFault } from '../journal/journal.ts';
import { endpointOf } from '../provider/endpoints.ts';
import { demandDpopNonce } from '../provider/dpop-nonce.ts';
import { accountIdOf } from '../provider/entities.ts';
import type { Logger } from '../server/logger.ts';
import { answer, type AnswerContext } from './answers.ts';
import { describeAction } from './describe.ts';
import { grantOf, type GrantHost, type RequestGrant } from './grant.ts';
import { withLogoutScope } from './logout-token.ts';
import { basicClientId, peekParams } from './request.ts';
import { applies, rewrite, type RewriteContext } from './rewrites.ts';
import type { FaultRequest, FaultRules } from './rules.ts';
import { answersInstead, type FaultRule } from './schema.ts';

/*
 * The tenant's fault rules at work, first in its middleware stack. Before the IdP: rules that
 * answer instead of it, add latency or rotate keys. While it handles end_session: rules that
 * change the logout tokens it sends (logout-token.ts). After it: rules that change its response.
 * Each rule that fires is written to ctx.state.faults, which the journal records.
 */

export interface FaultHost extends AnswerContext, GrantHost {
  rules: FaultRules;
  rewriteContext(): RewriteContext;
  rotateKeys(): Promise<void>;
  /** Revokes a grant and every token issued from it. */
  revokeGrant(grantId: string): void;
  usernameOf(sub: string): string | undefined;
  /** A rule answered slow_down to a device code's poll: the IdP holds the client to a 5 s longer interval. */
  deviceSlowDown(deviceCode: string): void;
  logger: Logger;
}

function note(ctx: Context, rules: FaultRule[]): void {
  if (rules.length === 0) return;
  const state = ctx.state as { faults?: FiredFault[] };
  state.faults = [
    ...(state.faults ?? []),
    ...rules.map((rule) => ({ id: rule.id, action: describeAction(rule.action), ...(rule.note ? { note: rule.note } : {}) })),
  ];
}

export function faultMiddleware(current: FaultHost): Middleware {
  return async function faults(ctx, next) {
    const { rules } = current;
    if (rules.size === 0) return next();
    const endpoint = endpointOf(ctx.path);
    const before = rules.concerns(endpoint, 'before');
    const after = rules.concerns(endpoint, 'after');
    const logout = rules.concerns(endpoint, 'logout');
    if (!before && !after && !logout) return next();

    const tag = ctx.get('x-mockidp-scenario') || undefined;
    const queryClient = typeof ctx.query['client_id'] === 'string' ? ctx.query['client_id'] : undefined;
    const request: FaultRequest = { endpoint, method: ctx.method, tag, client: basicClientId(ctx) ?? queryClient, grant: undefined };
    if (before) {
      const needsGrant = rules.needsGrant(endpoint, 'before');
      let grant: RequestGrant | undefined;
      let peeked: Awaited<ReturnType<typeof peekParams>> | undefined;
      if (needsGrant || rules.needsParams(endpoint, 'before')) {
        peeked = await peekParams(ctx);
        request.client ??= peeked.client;
        request.grant = peeked.grant;
        if (needsGrant) {
          grant = grantOf(ctx, peeked, current);
          request.user = grant?.user;
        }
      }
      // revokeGrant on a request that carries no grant would change nothing: it does not count it.
      const fired = rules.fire(request, 'before', (rule) => !rule.action.revokeGrant || grant?.grantId !== undefined);
      note(ctx, fired);
      for (const rule of fired) {
        if (rule.action.latency) await delay(rule.action.latency);
        if (rule.action.rotateKeys) await current.rotateKeys();
        if (rule.action.revokeGrant && grant?.grantId) current.revokeGrant(grant.grantId);
        if (rule.action.dpop?.requireNonce) demandDpopNonce(ctx);
      }
      const answering = fired.find((rule) => answersInstead(rule.action));
      if (answering) {
        if (answering.action.oauthError === 'slow_down') {
          const deviceCode = (peeked ?? (await peekParams(ctx))).credentials?.device_code;
          if (deviceCode) current.deviceSlowDown(deviceCode);
        }
        return answer(ctx, answering, current);
      }
    }

    if (logout) {
      await withLogoutScope(
        { ctx, request, rules, context: () => current.rewriteContext(), usernameOf: current.usernameOf, note, warn: (message) => current.logger.warn(message) },
        next,
      );
    } else {
      await next();
    }
    if (!after) return;
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    request.client ??= oidc?.client?.clientId;
    request.grant ??= typeof oidc?.params?.['grant_type'] === 'string' ? (oidc.params['grant_type'] as string) : undefined;
    const sub = accountIdOf(ctx);
    request.user = sub === undefined ? undefined : (current.usernameOf(sub) ?? sub);
    const fired = rules.fire(request, 'after', (rule) => applies(ctx, rule.action));
    note(ctx, fired);
    for (const rule of fired) {
      if (rule.action.latency) await delay(rule.action.latency);
      try {
        await rewrite(ctx, rule.action, current.rewriteContext());
      } catch (error) {
        current.logger.warn(`fault rule "${rule.id}" could not change the response: ${(error as Error).message}`);
      }
    }
  };
}
