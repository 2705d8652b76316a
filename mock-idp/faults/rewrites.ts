import type { Context } from 'koa';
import type { FaultAction } from './schema.ts';
import { isJwt, tamperToken, type TamperContext } from './token-tamper.ts';

/*
 * Changes to the response the IdP produced: its tokens re-signed with defects, the JWKS, fields
 * of a JSON body, the authorization redirect (code, state, iss), the content type, or the body
 * cut short or made invalid.
 */

export interface RewriteContext extends TamperContext {
  /** kids of the keys the tenant signs with now. */
  activeKids: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

async function rewriteTokens(ctx: Context, action: NonNullable<FaultAction['token']>, context: TamperContext): Promise<void> {
  if (!isRecord(ctx.body)) return;
  const body = { ...ctx.body };
  const fields = action.of === 'all' ? ['id_token', 'access_token'] : [action.of];
  for (const field of fields) {
    if (isJwt(body[field])) body[field] = await tamperToken(body[field], action, context);
  }
  ctx.body = body;
}

function rewriteJwks(ctx: Context, action: NonNullable<FaultAction['jwks']>, context: RewriteContext): void {
  if (action.cacheControl !== undefined) ctx.set('Cache-Control', action.cacheControl);
  if (!isRecord(ctx.body) || !Array.isArray(ctx.body['keys'])) return;
  let keys = ctx.body['keys'] as Array<Record<string, unknown>>;
  if (action.dropSigningKeys) keys = keys.filter((key) => !context.activeKids.includes(String(key['kid'])));
  if (action.addBadKey) keys = [...keys, { kty: 'RSA', kid: 'mockidp-bad-key', use: 'sig', alg: 'RS256', n: 'not-a-modulus!', e: 'AQAB' }];
  if (action.removeKids) keys = keys.map(({ kid: _kid, ...key }) => key);
  ctx.body = { ...ctx.body, keys };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isRecord(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (value === null) delete node[last];
  else node[last] = value;
}

function rewriteJson(ctx: Context, action: NonNullable<FaultAction['json']>): void {
  if (!isRecord(ctx.body)) return;
  const body = structuredClone(ctx.body);
  for (const [path, value] of Object.entries(action.set ?? {})) setPath(body, path, value);
  for (const path of action.remove ?? []) setPath(body, path, null);
  ctx.body = body;
}

function rewriteAuthorization(ctx: Context, action: NonNullable<FaultAction['authorization']>, issuer: string): void {
  const response = authorizationResponse(ctx);
  if (!response) return;
  const { url, params, inFragment } = response;
  const change = (name: 'code' | 'state' | 'iss', how: 'drop' | 'wrong' | undefined, wrong: () => string) => {
    if (how === 'drop') params.delete(name);
    else if (how === 'wrong') params.set(name, wrong());
  };
  change('code', action.code, () => `${params.get('code') ?? 'code'}-never-issued`);
  change('state', action.state, () => `${params.get('state') ?? 'state'}-other`);
  change('iss', action.iss, () => `${issuer}-other`);
  if (inFragment) url.hash = params.toString();
  else url.search = params.toString();
  ctx.set('Location', url.toString());
}

const OTHER_ORIGIN = 'https://other-app.example';

function corsHeaders(ctx: Context): string[] {
  return Object.keys(ctx.response.headers).filter((name) => name.toLowerCase().startsWith('access-control-'));
}

function rewriteCors(ctx: Context, how: NonNullable<FaultAction['cors']>): void {
  if (how === 'other-origin') {
    ctx.set('Access-Control-Allow-Origin', OTHER_ORIGIN);
    return;
  }
  for (const name of corsHeaders(ctx)) ctx.remove(name);
}

function bodyText(ctx: Context): string {
  if (typeof ctx.body === 'string') return ctx.body;
  if (Buffer.isBuffer(ctx.body)) return ctx.body.toString('utf8');
  return JSON.stringify(ctx.body ?? '');
}

function rewriteBody(ctx: Context, how: NonNullable<FaultAction['body']>): void {
  const type = ctx.response.get('Content-Type') || 'application/json; charset=utf-8';
  const text = bodyText(ctx);
  ctx.body = how === 'empty' ? '' : how === 'truncated' ? text.slice(0, Math.floor(text.length / 2)) : `${text.replace(/}\s*$/, '')},}`;
  ctx.set('Content-Type', type);
}

/** The URL a redirect response sends the browser to. */
function redirectLocation(ctx: Context): URL | undefined {
  const location = ctx.response.get('Location');
  if (!location || ctx.status < 300 || ctx.status >= 400) return undefined;
  try {
    return new URL(location);
  } catch {
    return undefined;
  }
}

/** The redirect back to post_logout_redirect_uri, with its state dropped or replaced. */
function rewriteLogoutRedirect(ctx: Context, action: NonNullable<FaultAction['logoutRedirect']>): void {
  const url = redirectLocation(ctx);
  if (!url) return;
  if (action.state === 'drop') url.searchParams.delete('state');
  else if (action.state === 'wrong') url.searchParams.set('state', `${url.searchParams.get('state') ?? 'state'}-other`);
  ctx.set('Location', url.toString());
}

/** The redirect that carries an authorization response (code or error), in its query or its fragment. */
function authorizationResponse(ctx: Context): { url: URL; params: URLSearchParams; inFragment: boolean } | undefined {
  const location = ctx.response.get('Location');
  if (!location || ctx.status < 300 || ctx.status >= 400) return undefined;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  const carries = (params: URLSearchParams) => params.has('code') || params.has('error');
  if (carries(url.searchParams)) return { url, params: new URLSearchParams(url.search), inFragment: false };
  const fragment = new URLSearchParams(url.hash.slice(1));
  return carries(fragment) ? { url, params: fragment, inFragment: true } : undefined;
}

/** Whether the response has what the action changes (tokens, keys, an authorization response...). */
export function applies(ctx: Context, action: FaultAction): boolean {
  const body = ctx.body;
  if (action.token) {
    const fields = action.token.of === 'all' ? ['id_token', 'access_token'] : [action.token.of];
    if (!isRecord(body) || !fields.some((field) => isJwt(body[field]))) return false;
  }
  if (action.jwks && !(action.jwks.cacheControl !== undefined || (isRecord(body) && Array.isArray(body['keys'])))) return false;
  if (action.json && !isRecord(body)) return false;
  if (action.authorization && !authorizationResponse(ctx)) return false;
  if (action.cors && !ctx.response.get('Access-Control-Allow-Origin')) return false;
  if (action.logoutRedirect && !redirectLocation(ctx)) return false;
  return true;
}

/** Applies the action's changes to the response, in a fixed order (content first, then its form). */
export async function rewrite(ctx: Context, action: FaultAction, context: RewriteContext): Promise<void> {
  if (action.token) await rewriteTokens(ctx, action.token, context);
  if (action.jwks) rewriteJwks(ctx, action.jwks, context);
  if (action.json) rewriteJson(ctx, action.json);
  if (action.authorization) rewriteAuthorization(ctx, action.authorization, context.issuer);
  if (action.cors) rewriteCors(ctx, action.cors);
  if (action.logoutRedirect) rewriteLogoutRedirect(ctx, action.logoutRedirect);
  if (action.body) rewriteBody(ctx, action.body);
  if (action.contentType !== undefined) {
    const text = bodyText(ctx);
    ctx.body = text;
    ctx.set('Content-Type', action.contentType);
  }
}
