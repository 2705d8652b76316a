import { setTimeout as delay } from 'node:timers/promises';
import type { Context } from 'koa';
import { endpointOf } from '../provider/endpoints.ts';
import type { FaultAction, FaultRule } from './schema.ts';

/*
 * Answers given instead of the IdP: an error status, an HTML page, a redirect loop, an OAuth
 * error (with the status the specs give it; at the authorization endpoint, sent to the client's
 * redirect URI as the spec requires), a connection reset, or no answer at all.
 */

const HANG_LIMIT_MS = 5 * 60_000;

/** RFC 6749 5.2 and 4.1.2.1, RFC 6750 3.1, RFC 7009 2.2.1, RFC 8628 3.5: 400 unless said otherwise. */
const ERROR_STATUS: Record<string, number> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
};

/** Errors of a protected resource (RFC 6750), answered with WWW-Authenticate: Bearer. */
const BEARER_ERRORS = new Set(['invalid_token', 'insufficient_scope']);

/** A quoted header parameter: printable ASCII only (anything else becomes "?"), no quotes or backslashes. */
const quoted = (value: string) => `"${value.replace(/["\\]/g, '').replace(/[^\x20-\x7e]/g, '?')}"`;

const HTML_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Service Unavailable</title></head>
<body><h1>Service temporarily unavailable</h1><p>The sign-in service is down for maintenance. Please try again later.</p></body></html>
`;

export interface AnswerContext {
  issuer: string;
  /** The registered redirect URIs of a client (to send authorization errors there). */
  redirectUrisOf(clientId: string): string[] | undefined;
}

function retryAfter(ctx: Context, action: FaultAction): void {
  if (action.retryAfter !== undefined) ctx.set('Retry-After', String(action.retryAfter));
}

function oauthError(ctx: Context, rule: FaultRule, answer: AnswerContext): void {
  const { action } = rule;
  const error = action.oauthError!;
  const description = action.description ?? `mockidp fault rule "${rule.id}"`;
  const redirectUri = typeof ctx.query['redirect_uri'] === 'string' ? ctx.query['redirect_uri'] : undefined;
  const clientId = typeof ctx.query['client_id'] === 'string' ? ctx.query['client_id'] : undefined;
  if (ctx.method === 'GET' && redirectUri && clientId && answer.redirectUrisOf(clientId)?.includes(redirectUri)) {
    const target = new URL(redirectUri);
    target.searchParams.set('error', error);
    target.searchParams.set('error_description', description);
    if (typeof ctx.query['state'] === 'string') target.searchParams.set('state', ctx.query['state']);
    target.searchParams.set('iss', answer.issuer);
    ctx.status = 303;
    ctx.redirect(target.toString());
    return;
  }
  ctx.status = action.status ?? ERROR_STATUS[error] ?? 400;
  if (ctx.get('DPoP') && (endpointOf(ctx.path) === 'userinfo' || BEARER_ERRORS.has(error))) {
    ctx.set('WWW-Authenticate', `DPoP realm=${quoted(answer.issuer)}, error=${quoted(error)}, error_description=${quoted(description)}`);
  } else if (endpointOf(ctx.path) === 'userinfo' || BEARER_ERRORS.has(error)) {
    ctx.set('WWW-Authenticate', `Bearer realm=${quoted(answer.issuer)}, error=${quoted(error)}, error_description=${quoted(description)}`);
  } else if (error === 'invalid_client') {
    ctx.set('WWW-Authenticate', 'Basic realm="mockidp"');
  }
  retryAfter(ctx, action);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error, error_description: description };
}

async function hang(ctx: Context): Promise<void> {
  const socket = ctx.req.socket;
  ctx.status = 499;
  ctx.respond = false;
  if (socket.destroyed) return;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const limit = delay(HANG_LIMIT_MS, undefined, { ref: false }).then(() => socket.destroy());
  await Promise.race([closed, limit]);
}

/** Answers the request as the rule says; the IdP does not see it. */
export async function answer(ctx: Context, rule: FaultRule, context: AnswerContext): Promise<void> {
  const { action } = rule;
  if (action.hang) return hang(ctx);
  if (action.reset) {
    ctx.status = 499;
    ctx.respond = false;
    ctx.req.socket.destroy();
    return;
  }
  if (action.redirectLoop) {
    ctx.status = 302;
    ctx.redirect(ctx.originalUrl);
    return;
  }
  if (action.html) {
    ctx.status = 200;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = HTML_PAGE;
    return;
  }
  if (action.oauthError !== undefined) return oauthError(ctx, rule, context);
  const status = action.status!;
  ctx.status = status;
  retryAfter(ctx, action);
  ctx.body = {
    error: status === 429 ? 'too_many_requests' : status === 503 ? 'temporarily_unavailable' : 'server_error',
    error_description: `mockidp fault rule "${rule.id}": status ${status}`,
  };
}
