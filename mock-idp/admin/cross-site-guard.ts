import type { Context, Middleware, Next } from 'koa';
import { HttpError } from '../server/http-error.ts';

/*
 * Without an admin token (the default on loopback) any web page the developer visits could send
 * requests to the admin API. Browsers send a "simple" cross-site request (a form post, a
 * text/plain fetch) without asking first, so every state change must:
 * - come with Content-Type: application/json, which a page can only send after a CORS preflight
 *   that this server never grants;
 * - carry no Origin, or the Origin of this very server (the dashboard's own requests);
 * - not be marked cross-site or same-site by the browser (Sec-Fetch-Site).
 * Scripts and SDKs send no Origin and pass with the JSON content type alone.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function refuse(detail: string): never {
  throw new HttpError(
    403,
    'cross_origin_request',
    `${detail}: the admin API takes state changes only from scripts and from the dashboard on this server's own origin`,
  );
}

export function crossSiteGuard(): Middleware {
  return async function crossSiteGuard(ctx: Context, next: Next) {
    if (SAFE_METHODS.has(ctx.method)) return next();
    const origin = ctx.get('origin');
    if (origin) {
      let host: string | undefined;
      try {
        host = origin === 'null' ? undefined : new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host === undefined || host.toLowerCase() !== ctx.get('host').toLowerCase()) refuse(`Origin "${origin.slice(0, 100)}" is not this server`);
    }
    const site = ctx.get('sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site') refuse(`the browser marked this request ${site} (Sec-Fetch-Site)`);
    if (BODY_METHODS.has(ctx.method) && ctx.request.type !== 'application/json') {
      throw new HttpError(
        415,
        'unsupported_media_type',
        `${ctx.method} ${ctx.path} needs the header Content-Type: application/json (the body may be empty); this keeps web pages from driving the admin API with simple cross-site requests`,
      );
    }
    await next();
  };
}
