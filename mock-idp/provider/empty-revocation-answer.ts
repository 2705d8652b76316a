import type { Middleware } from 'koa';

/*
 * RFC 7009 answers a revocation with 200 and says nothing of a body. oidc-provider sends an empty
 * string, which Koa labels text/plain; browser libraries that accept only JSON (oidc-client-ts's
 * revokeTokensOnSignout) then fail a logout that worked. An empty answer goes without a
 * Content-Type instead. (A fault rule with contentType: text/plain brings the other behaviour back.)
 */
export function emptyRevocationAnswer(options: { path: string }): Middleware {
  return async function emptyRevocationAnswer(ctx, next) {
    await next();
    if (ctx.path === options.path && ctx.status === 200 && ctx.body === '') ctx.remove('Content-Type');
  };
}
