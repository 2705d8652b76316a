import type { Context } from 'koa';
import { isObject } from '../oidc/http.ts';
import { HttpError } from './http-error.ts';

/** The request's body as a JSON object, or a 400 that says how to send it (`shape`: what the object holds). */
export function readJsonObject(ctx: Context, shape = ''): Record<string, unknown> {
  if (!ctx.is('application/json')) throw new HttpError(400, 'send the body as JSON with Content-Type: application/json');
  const body = ctx.request.body;
  if (!isObject(body)) throw new HttpError(400, `the body must be one JSON object${shape ? `: ${shape}` : ''}`);
  return body;
}
