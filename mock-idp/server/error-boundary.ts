import type { Context, Middleware } from 'koa';
import { httpErrorOf } from './http-error.ts';
import type { Logger } from './logger.ts';

/** Answers every error with JSON (the IdP's own errors with their status) and keeps the server serving. */
export function errorBoundary(logger: Logger): Middleware {
  return async function errorBoundary(ctx, next) {
    try {
      await next();
    } catch (error) {
      answerError(ctx, error, logger);
    }
  };
}

/** The JSON answer to an error thrown while handling a request; anything unexpected is logged and answered 500. */
export function answerError(ctx: Context, error: unknown, logger: Logger): void {
  const answer = httpErrorOf(error);
  if (answer) {
    ctx.status = answer.status;
    ctx.body = answer.toJSON();
    return;
  }
  const status = (error as { status?: number; expose?: boolean }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    ctx.status = status;
    ctx.body = { error: 'invalid_request', error_description: (error as Error).message };
    return;
  }
  logger.error(`${ctx.method} ${ctx.path} failed: ${(error as Error).stack ?? String(error)}`);
  ctx.status = 500;
  ctx.body = { error: 'server_error', error_description: 'the mock IdP failed to handle this request; the server log has the details' };
}
