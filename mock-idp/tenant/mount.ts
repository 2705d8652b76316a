import type { Context, Middleware, Next } from 'koa';

/**
 * Runs a tenant's stack with the `/<tenant>` prefix removed from the URL, like koa-mount, but by
 * rewriting the request URL string instead of Koa's path setter (which re-serialises the URL
 * twice per request); the hot token path notices the difference.
 */
export function mountTenant(prefix: string, middleware: Middleware): Middleware {
  return async function mountedTenant(ctx: Context & { mountPath?: string }, next: Next) {
    const url = ctx.url;
    if (!url.startsWith(prefix)) return next();
    const rest = url.slice(prefix.length);
    if (rest !== '' && rest[0] !== '/' && rest[0] !== '?') return next();
    ctx.mountPath = prefix;
    ctx.url = rest === '' || rest[0] === '?' ? `/${rest}` : rest;
    try {
      await middleware(ctx, async () => {
        ctx.url = url;
        await next();
      });
    } finally {
      ctx.url = url;
    }
  };
}
