import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Context } from 'koa';
import { decodeJwt } from 'jose';
import type { FaultRequest, FaultRules } from './rules.ts';
import type { FaultRule } from './schema.ts';
import { tamperToken, type TamperContext } from './token-tamper.ts';

/*
 * Logout tokens (OpenID Back-Channel Logout) are not part of any response: the IdP POSTs them to
 * the clients' backchannelLogoutUri while it handles end_session. So the fault middleware opens a
 * scope around an end_session request, and the provider's outgoing requests pass through
 * sendOutgoing, which rewrites the logout token with the rules of that scope (phase "logout").
 */

export interface LogoutScope {
  ctx: Context;
  request: FaultRequest;
  rules: FaultRules;
  context(): TamperContext;
  usernameOf(sub: string): string | undefined;
  note(ctx: Context, fired: FaultRule[]): void;
  warn(message: string): void;
}

const scopes = new AsyncLocalStorage<LogoutScope[]>();

/** Runs the rest of the request with this scope's rules applying to the logout tokens it sends. */
export function withLogoutScope<T>(scope: LogoutScope, next: () => Promise<T>): Promise<T> {
  return scopes.run([...(scopes.getStore() ?? []), scope], next);
}

async function tamper(scope: LogoutScope, token: string): Promise<string> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(token);
  } catch {
    return token;
  }
  const client = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
  const request: FaultRequest = { ...scope.request, client, user: sub === undefined ? undefined : (scope.usernameOf(sub) ?? sub) };
  const fired = scope.rules.fire(request, 'logout');
  scope.note(scope.ctx, fired);
  let out = token;
  for (const rule of fired) {
    if (rule.action.latency) await delay(rule.action.latency);
    try {
      out = await tamperToken(out, rule.action.token!, scope.context());
    } catch (error) {
      scope.warn(`fault rule "${rule.id}" could not change the logout token: ${(error as Error).message}`);
    }
  }
  return out;
}

/** fetch for the provider's outgoing requests: a logout token sent inside a scope is rewritten first. */
export async function sendOutgoing(url: string, init: RequestInit): Promise<Response> {
  const active = scopes.getStore();
  const body = init.body;
  if (active && body instanceof URLSearchParams && body.has('logout_token')) {
    let token = body.get('logout_token')!;
    for (const scope of active) token = await tamper(scope, token);
    const changed = new URLSearchParams(body);
    changed.set('logout_token', token);
    return fetch(url, { ...init, body: changed });
  }
  return fetch(url, init);
}
