import type { Middleware } from 'koa';
import { HttpError } from '../server/http-error.ts';

/*
 * oidc-provider 9 fails with a TypeError (a 500: "persist can only be called on previously
 * persisted Sessions") when a device verification path is reached without a live browser session:
 * the form posted without the cookie its GET page sets, or with a made-up one, and any GET below
 * the verification page (its resume path) without a session. A browser never does that, but
 * scripts and fuzzers do; answer them with a 400 that says what is missing instead. The plain GET
 * of the verification page is what starts a session, so it always passes.
 */
export interface DeviceSessionGuardOptions {
  /** The verification page inside the tenant (/device). */
  path: string;
  /** Paths below it that are other endpoints (the device authorization endpoint /device/auth takes POSTs). */
  except: string[];
  sessionCookie: () => string;
  /** Whether a browser session with this id is live. */
  sessionExists: (id: string) => boolean;
}

export function deviceSessionGuard(options: DeviceSessionGuardOptions): Middleware {
  return async function deviceSessionGuard(ctx, next) {
    const below = ctx.path.startsWith(`${options.path}/`);
    const guarded = (ctx.method === 'POST' && ctx.path === options.path) || (below && !(ctx.method === 'POST' && options.except.includes(ctx.path)));
    if (guarded) {
      // The signature is checked with the cookie keys the tenant shares with the app (see Tenant.create).
      const id = ctx.cookies.get(options.sessionCookie(), { signed: true });
      if (!id || !options.sessionExists(id)) {
        throw new HttpError(
          400,
          'invalid_request',
          `no live session for ${ctx.method} ${ctx.path}: open the verification page (GET ${options.path}) first and send back the cookie it sets`,
        );
      }
    }
    await next();
  };
}
