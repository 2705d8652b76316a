import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';

/*
 * Reading a request body before oidc-provider does: the bytes are read once (and kept for the other steps
 * that look at them), then the request is handed on with a stream that replays them (or other bytes, with the
 * length to match), so that oidc-provider parses it as usual.
 */

const MAX_PEEK = 1024 * 1024;
const peeked = new WeakMap<IncomingMessage, Buffer>();

/** The body's bytes (up to 1 MiB); the request stays readable for what comes next. */
export async function peekBody(ctx: Context): Promise<Buffer> {
  const known = peeked.get(ctx.req);
  if (known) return known;
  if (!ctx.req.readable) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    chunks.push(chunk as Buffer);
    if (size > MAX_PEEK) break;
  }
  const body = Buffer.concat(chunks);
  replay(ctx, body);
  return body;
}

/**
 * Lets `rewrite` change the parameters of a form-encoded POST body; when it returns new
 * parameters, the request goes on with those (and a Content-Length to match).
 */
export async function rewriteForm(
  ctx: Context,
  rewrite: (params: URLSearchParams) => URLSearchParams | undefined | Promise<URLSearchParams | undefined>,
): Promise<void> {
  if (ctx.method !== 'POST' || !ctx.is('application/x-www-form-urlencoded')) return;
  const body = await peekBody(ctx);
  const changed = await rewrite(new URLSearchParams(body.toString('utf8')));
  if (!changed) return;
  const bytes = Buffer.from(changed.toString(), 'utf8');
  ctx.req.headers['content-length'] = String(bytes.length);
  replay(ctx, bytes);
}

/**
 * A JSON object body becomes the same parameters form-encoded (string values as they are, other
 * values as JSON), for endpoints of providers that take both (Auth0's /oauth/token). A body that is
 * not a JSON object is left for the endpoint to refuse.
 */
export async function jsonAsForm(ctx: Context): Promise<void> {
  if (ctx.method !== 'POST' || !ctx.is('application/json')) return;
  const body = await peekBody(ctx);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(parsed))
    if (value !== undefined && value !== null) params.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  const bytes = Buffer.from(params.toString(), 'utf8');
  ctx.req.headers['content-type'] = 'application/x-www-form-urlencoded';
  ctx.req.headers['content-length'] = String(bytes.length);
  replay(ctx, bytes);
}

/**
 * Hands the request on as if these bytes were its body, everything else unchanged: the request object itself
 * answers for what body parsers use (readable, readableEncoding, iterator, async iteration) and yields the
 * bytes once. No stream is made for it: a token request goes through here, and a stream cost more than the rest.
 */
function replay(ctx: Context, body: Buffer): void {
  peeked.set(ctx.req, body);
  let consumed = false;
  async function* once(): AsyncGenerator<Buffer> {
    if (consumed) return;
    consumed = true;
    yield body;
  }
  Object.defineProperties(ctx.req, {
    readable: { configurable: true, get: () => !consumed },
    readableEncoding: { configurable: true, value: null },
    iterator: { configurable: true, value: once },
    [Symbol.asyncIterator]: { configurable: true, value: once },
  });
}
