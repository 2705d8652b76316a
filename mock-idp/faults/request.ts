import { parse as parseQuery } from 'node:querystring';
import type { Context } from 'koa';
import { peekBody } from '../server/request-body.ts';

/*
 * What a fault rule can know about a request before the IdP handles it: the client (Basic
 * credentials, the client_id query parameter) and, when a rule needs them, the client_id,
 * grant_type and credentials (code, refresh token, device code, token) of the body (read with
 * peekBody, so oidc-provider still parses it as usual).
 */

export function basicClientId(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  if (!/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export interface PeekedParams {
  client?: string | undefined;
  grant?: string | undefined;
  /** The code, refresh token, device code or token (introspection, revocation) the body carries. */
  credentials?: Partial<Record<'code' | 'refresh_token' | 'device_code' | 'token', string>>;
  /** Every string field of the body (the logout confirmation's xsrf and logout, for example). */
  fields?: Record<string, string>;
}

/** client_id, grant_type and credentials of a POST body; the request stays readable for what comes next. */
export async function peekParams(ctx: Context): Promise<PeekedParams> {
  if (ctx.method !== 'POST' || !ctx.req.readable) return {};
  const type = ctx.is('application/x-www-form-urlencoded', 'application/json');
  if (!type) return {};
  const body = await peekBody(ctx);
  let params: Record<string, unknown> = {};
  try {
    params =
      type === 'application/json'
        ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>)
        : (parseQuery(body.toString('utf8')) as Record<string, unknown>);
  } catch {
    return {};
  }
  if (!params || typeof params !== 'object') return {};
  const credentials: NonNullable<PeekedParams['credentials']> = {};
  for (const name of ['code', 'refresh_token', 'device_code', 'token'] as const) {
    const value = stringOf(params[name]);
    if (value !== undefined) credentials[name] = value;
  }
  const fields = Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  return { client: stringOf(params['client_id']), grant: stringOf(params['grant_type']), credentials, fields };
}
