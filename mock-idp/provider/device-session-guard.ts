import type { Middleware } from 'koa';
import { HttpError } from '../server/http-error.ts';

/*
 * oidc-provider 9 fails with a TypeError (a 500) when the device verification form is posted
 * without the session cookie that its GET page sets. A browser never does that, but scripts and
 * fuzzers do; answer them with a 400 that says what is missing instead.
 */
export function deviceSessionGuard(options: { path: string; except: string[]; sessionCookie: () => string }): Middleware {
  return async function deviceSessionGuard(ctx, next) {
    if (ctx.method === 'POST' && (ctx.path === options.path || ctx.path.startsWith(`${options.path}/`)) && !options.except.includes(ctx.path) && !ctx.cookies.get(options.sessionCookie(), { signed: false })) {
      throw new HttpError(400, 'invalid_request', `no session: open the verification page (GET ${options.path}) first and send back the cookie it sets`);
    }
    await next();
  };
}
