import type { Context, Middleware } from 'koa';

/*
 * Clickjacking: no page of the IdP (login, consent, device, logout, error pages, the dashboard)
 * may be shown inside another site's frame, where a user could be tricked into clicking Allow or
 * Sign in. Redirects carry no page and stay frameable, so silent renewal in a hidden iframe
 * (prompt=none) keeps working. A page that states its own frame-ancestors (Keycloak's session
 * iframes, which have no controls to click) keeps that policy and gets no X-Frame-Options.
 */
export function frameGuard(): Middleware {
  return async function frameGuard(ctx, next) {
    await next();
    guardFrames(ctx);
  };
}

/** Forbids framing of the page about to be answered (nothing to do for any other answer). */
export function guardFrames(ctx: Context): void {
  // A look at the header, not ctx.response.is(): every JSON answer passes here.
  if (!String(ctx.response.get('content-type')).includes('html')) return;
  const policy = ctx.response.get('content-security-policy');
  const own = /frame-ancestors\s+([^;]*)/.exec(policy)?.[1]?.trim();
  if (own === undefined) ctx.set('Content-Security-Policy', policy ? `${policy}; frame-ancestors 'none'` : "frame-ancestors 'none'");
  if (own === undefined || own === "'none'") ctx.set('X-Frame-Options', 'DENY');
}
