import type { Middleware } from 'koa';

/*
 * Clickjacking: no page of the IdP (login, consent, device, logout, error pages, the dashboard)
 * may be shown inside another site's frame, where a user could be tricked into clicking Allow or
 * Sign in. Redirects carry no page and stay frameable, so silent renewal in a hidden iframe
 * (prompt=none) keeps working.
 */
export function frameGuard(): Middleware {
  return async function frameGuard(ctx, next) {
    await next();
    if (!ctx.response.is('html')) return;
    ctx.set('X-Frame-Options', 'DENY');
    const policy = ctx.response.get('content-security-policy');
    if (!policy) ctx.set('Content-Security-Policy', "frame-ancestors 'none'");
    else if (!/frame-ancestors/.test(policy)) ctx.set('Content-Security-Policy', `${policy}; frame-ancestors 'none'`);
  };
}
