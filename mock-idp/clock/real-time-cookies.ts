import type { Middleware } from 'koa';
import { realTime } from './clock.ts';

/*
 * Cookie expiry is judged by the browser on real time, but Koa computes `expires` from Date.now(),
 * which is the tenant's clock inside a request. A tenant running two hours behind would set
 * cookies that are already expired, and logins would break. This shifts every cookie expiry the
 * tenant sets back onto real time.
 */
export function realTimeCookies(clock: { isShifted(): boolean }): Middleware {
  return async function realTimeCookies(ctx, next) {
    if (!clock.isShifted()) return next();
    await next();
    const shiftMs = realTime() - Date.now();
    if (Math.abs(shiftMs) < 1000) return;
    const header = ctx.res.getHeader('set-cookie');
    if (!Array.isArray(header)) return;
    ctx.res.setHeader(
      'set-cookie',
      header.map((cookie) =>
        cookie.replace(/expires=([^;]+)/i, (match, date: string) => {
          const parsed = Date.parse(date);
          return Number.isNaN(parsed) ? match : `expires=${new Date(parsed + shiftMs).toUTCString()}`;
        }),
      ),
    );
  };
}
