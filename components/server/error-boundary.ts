import type { Context, Middleware } from 'koa';
import { HttpError } from './http-error.ts';
import type { Logger } from './logger.ts';

export type ErrorRenderer = (ctx: Context, status: number, message: string) => void;

/**
 * The body parser's (co-body's) errors as HttpErrors that say what to fix; pass as its onError.
 * A JSON syntax error arrives as a SyntaxError with status 400 and no type.
 */
export function bodyParserError(error: Error, ctx: Context): never {
  const { type, limit, status } = error as Error & { type?: string; limit?: number; status?: number };
  switch (type) {
    case 'entity.too.large':
      throw new HttpError(413, `the body is larger than ${limit ?? 'the limit of'} bytes: send a smaller request`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      throw new HttpError(415, `unsupported body encoding: send UTF-8 (${error.message})`);
    case 'request.aborted':
      throw new HttpError(400, 'the request body was cut short');
    case 'request.size.invalid':
      throw new HttpError(400, 'the body is shorter or longer than its Content-Length');
    default: {
      const encoding = ctx.get('content-encoding');
      // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR...) for a body that does not decode as it says.
      if (/^(Z_|ERR__|ERR_BROTLI|ERR_ZLIB)/.test(String((error as { code?: unknown }).code ?? ''))) {
        throw new HttpError(
          400,
          `the body is not valid ${encoding || 'compressed'} data (${error.message}): send it encoded as its Content-Encoding says, or uncompressed`,
        );
      }
      if (status === 415) throw new HttpError(415, `unsupported Content-Encoding "${encoding}": send the body uncompressed, or as gzip, deflate or br`);
      if (error instanceof SyntaxError || status === 400) {
        throw new HttpError(
          400,
          ctx.is('json') ? `the body is not valid JSON (${error.message}): send one JSON object` : `the body could not be parsed: ${error.message}`,
        );
      }
      throw error;
    }
  }
}

const STATUS_MESSAGES: Record<number, string> = { 404: 'nothing at', 405: 'method not allowed:' };

/**
 * Turns every error into the component's error format with a deliberate status: HttpErrors keep
 * theirs, body-parser errors become 400/413/415, anything else is a 500 whose details go to the log
 * (never to the client). Nothing thrown in a handler reaches Koa's default handler.
 */
export function errorBoundary(render: ErrorRenderer, logger: Logger): Middleware {
  return async function errorBoundary(ctx, next) {
    try {
      await next();
      // the router's own answers (unknown path, wrong method) come without a body; a method it
      // knows nowhere (TRACE, PROPFIND) is its 501, which is the client's mistake all the same: 405
      if (ctx.status === 501 && (ctx.body === undefined || ctx.body === null)) ctx.status = 405;
      const prefix = STATUS_MESSAGES[ctx.status];
      if (prefix && (ctx.body === undefined || ctx.body === null)) {
        const allow = ctx.response.get('allow');
        throw new HttpError(ctx.status, `${prefix} ${ctx.method} ${ctx.path}${allow ? ` (allowed: ${allow})` : ''}`);
      }
    } catch (error) {
      if (error instanceof HttpError) {
        for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
        render(ctx, error.status, error.message);
      } else {
        const err = error as Error;
        logger.warn(`${ctx.method} ${ctx.path} failed: ${err.stack ?? String(error)}`);
        render(ctx, 500, "internal error (see the component's log)");
      }
    }
    logger.debug(`${ctx.method} ${ctx.path} -> ${ctx.status}`);
  };
}

export function renderJsonMessage(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.body = { message };
}
