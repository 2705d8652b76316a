import type { Middleware } from 'koa';

/*
 * CORS for browser apps on other origins. oidc-provider answers it for discovery and JWKS (any
 * origin: they are public) and, through clientBasedCORS, for token, userinfo, revocation,
 * introspection, device authorization and PAR (the client's origins only: a request from another
 * origin is refused with invalid_request and no Access-Control-Allow-Origin). End session has no
 * CORS of its own in oidc-provider; endSessionCors gives it the same per-client rule.
 */

/** Whether a browser origin is among the allowed ones ("*" allows any; the opaque origin "null" never). */
export function originAllowed(allowed: readonly string[], origin: string): boolean {
  if (origin === 'null' || origin === '') return false;
  return allowed.includes('*') || allowed.includes(origin);
}

const MAX_AGE_SECONDS = '3600';

/**
 * End session (and its confirm and success pages) answers CORS for the origins of the client the
 * request names (client_id), else of any client of the tenant: a browser app may fetch it, or read
 * where it redirects, before it navigates.
 */
export function endSessionCors(options: { path: string; allows(origin: string, clientId: string | undefined): boolean }): Middleware {
  const { path } = options;
  return async function endSessionCors(ctx, next) {
    if (ctx.path !== path && !ctx.path.startsWith(`${path}/`)) return next();
    const origin = ctx.get('Origin');
    if (!origin) return next();
    ctx.vary('Origin');
    const clientId = typeof ctx.query['client_id'] === 'string' ? ctx.query['client_id'] : undefined;
    const allowed = options.allows(origin, clientId);
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      ctx.status = 204;
      if (!allowed) return;
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Methods', 'GET,POST');
      const headers = ctx.get('Access-Control-Request-Headers');
      if (headers) ctx.set('Access-Control-Allow-Headers', headers);
      ctx.set('Access-Control-Max-Age', MAX_AGE_SECONDS);
      return;
    }
    if (allowed) ctx.set('Access-Control-Allow-Origin', origin);
    await next();
  };
}
