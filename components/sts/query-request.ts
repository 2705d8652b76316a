import type { Context } from 'koa';
import type { Flavour } from './flavours.ts';

/** The parameters of a query-protocol request: the query string and, for a form POST, the body. */
export type QueryParameters = ReadonlyMap<string, string>;

export function readQueryParameters(ctx: Context, flavour: Flavour): QueryParameters {
  const params = new Map<string, string>();
  const add = (source: URLSearchParams) => {
    for (const [name, value] of source) {
      if (params.has(name)) throw flavour.malformed(name, 'the parameter is given more than once');
      params.set(name, value);
    }
  };
  add(new URLSearchParams(ctx.querystring));
  if (ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded')) add(new URLSearchParams(rawBody(ctx)));
  return params;
}

/** The body as received (the body parser keeps it for form requests; SigV4 hashes it). */
export function rawBody(ctx: Context): string {
  return (ctx.request as { rawBody?: string }).rawBody ?? '';
}
