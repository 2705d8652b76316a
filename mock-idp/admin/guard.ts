import { timingSafeEqual } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import { HttpError } from '../server/http-error.ts';

/** With an admin token, every admin call needs "Authorization: Bearer <token>" (compared in constant time). */
export function bearerGuard(token: string | undefined): Middleware {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return async function adminAuth(ctx: Context, next: Next) {
    if (expected) {
      const given = Buffer.from(ctx.get('authorization'));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="mockidp-admin"');
        throw new HttpError(401, 'unauthorized', 'the admin API needs "Authorization: Bearer <admin token>" (server.adminToken or MOCKIDP_ADMIN_TOKEN)');
      }
    }
    await next();
  };
}
