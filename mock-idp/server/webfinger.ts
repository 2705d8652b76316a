import type { Middleware } from 'koa';
import type { EntryBuilder, EntryHead } from '../journal/journal.ts';
import { HttpError } from './http-error.ts';

/*
 * OpenID Connect Discovery §2 (WebFinger, RFC 7033): GET /.well-known/webfinger?resource=...&rel=
 * http://openid.net/specs/connect/1.0/issuer answers the issuer a user identifier belongs to. One
 * server holds many issuers, so the identifier names the tenant: acct:alice+TENANT@host (or
 * acct:alice@host when exactly one tenant has alice), or a URL whose first path segment is the
 * tenant (http://host/TENANT/alice). Each answer is journalled under that tenant (endpoint webfinger).
 */

const ISSUER_REL = 'http://openid.net/specs/connect/1.0/issuer';

export interface WebfingerTenants {
  names(): string[];
  issuer(name: string): string | undefined;
  hasUser(name: string, username: string): boolean;
}

function tenantOf(resource: string, tenants: WebfingerTenants): string {
  const acct = /^acct:([^@]+)@(.+)$/.exec(resource);
  if (acct) {
    const local = decodeURIComponent(acct[1]!);
    const plus = local.lastIndexOf('+');
    if (plus > 0 && tenants.names().includes(local.slice(plus + 1))) return local.slice(plus + 1);
    const holding = tenants.names().filter((name) => tenants.hasUser(name, local));
    if (holding.length === 1) return holding[0]!;
    throw new HttpError(
      404,
      'not_found',
      holding.length === 0
        ? `no tenant has a user "${local}"; write acct:user+TENANT@host`
        : `several tenants have a user "${local}" (${holding.join(', ')}): write acct:${local}+TENANT@host`,
    );
  }
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new HttpError(400, 'invalid_request', `resource "${resource}" is neither acct:user@host nor a URL`);
  }
  const first = url.pathname.split('/')[1] ?? '';
  if (!tenants.names().includes(first)) throw new HttpError(404, 'not_found', `no tenant "${first}" for ${resource}; tenants: ${tenants.names().join(', ')}`);
  return first;
}

export function webfinger(tenants: WebfingerTenants, record: (head: EntryHead, build: EntryBuilder, bytes: number) => void): Middleware {
  return async function webfingerQuery(ctx, next) {
    if (ctx.path !== '/.well-known/webfinger') return next();
    if (ctx.method !== 'GET') throw new HttpError(405, 'invalid_request', 'WebFinger answers GET only');
    const resource = ctx.query['resource'];
    if (typeof resource !== 'string' || resource === '')
      throw new HttpError(400, 'invalid_request', 'resource is required: ?resource=acct:alice+TENANT@host&rel=http://openid.net/specs/connect/1.0/issuer');
    const rels = ([] as unknown[]).concat(ctx.query['rel'] ?? []);
    const at = Date.now();
    const tenant = tenantOf(resource, tenants);
    const issuer = tenants.issuer(tenant)!;
    const links = rels.length === 0 || rels.includes(ISSUER_REL) ? [{ rel: ISSUER_REL, href: issuer }] : [];
    ctx.type = 'application/jrd+json';
    ctx.body = { subject: resource, links };
    const params = { resource: resource.slice(0, 2048), ...(rels.length > 0 ? { rel: rels.join(' ').slice(0, 2048) } : {}) };
    record(
      { at, tenant, endpoint: 'webfinger', method: 'GET', path: ctx.path, status: 200, latencyMs: 0 },
      () => ({ params }),
      params.resource.length + (params.rel?.length ?? 0),
    );
  };
}
