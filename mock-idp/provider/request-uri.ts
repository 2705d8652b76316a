import type { Context, Middleware } from 'koa';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { HttpError } from '../server/http-error.ts';

/*
 * Request objects by reference (OpenID Connect Core §6.2): oidc-provider takes request_uri only as a
 * PAR urn, so the IdP fetches an http(s) request_uri itself before the provider handles the
 * authorization request, and hands a signed object on by value (request). oidc-provider refuses
 * unsigned request objects (alg none) altogether; Core §6.3 lets an OP use their parameters as
 * if they were in the query, so the IdP does that for an unsigned one (by value or by reference),
 * its values taking precedence. Bounded: 5 s, 64 KiB.
 */

const MAX_BYTES = 64 * 1024;

export function requestUriFetcher(options: () => { enabled: boolean; authorizationPath: string }): Middleware {
  return async function fetchRequestUri(ctx, next) {
    const { enabled, authorizationPath } = options();
    const requestUri = ctx.query['request_uri'];
    if (!enabled || ctx.method !== 'GET' || ctx.path !== authorizationPath) return next();
    const byValue = ctx.query['request'];
    if (typeof byValue === 'string') {
      unpackUnsigned(ctx, byValue);
      return next();
    }
    if (typeof requestUri !== 'string' || !/^https?:\/\//.test(requestUri)) return next();
    let text: string;
    try {
      const response = await fetch(requestUri, { signal: AbortSignal.timeout(5_000), headers: { accept: 'application/oauth-authz-req+jwt, application/jwt' } });
      if (response.status !== 200) throw new Error(`it answered ${response.status}`);
      text = (await response.text()).trim();
      if (text.length > MAX_BYTES) throw new Error(`it is over ${MAX_BYTES} bytes`);
    } catch (error) {
      throw new HttpError(400, 'invalid_request_uri', `the request object at request_uri ${requestUri} could not be fetched: ${(error as Error).message}`);
    }
    const { request_uri: _uri, ...rest } = ctx.query;
    ctx.query = { ...rest, request: text };
    unpackUnsigned(ctx, text);
    return next();
  };
}

/** An unsigned request object's parameters replace the query's (OpenID Connect Core §6.3.3); signed ones are the provider's business. */
function unpackUnsigned(ctx: Context, object: string): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(object).alg;
  } catch {
    throw new HttpError(400, 'invalid_request_object', 'the request object is not a JWT');
  }
  if (alg !== 'none') return;
  const claims = decodeJwt(object) as Record<string, unknown>;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (['iss', 'aud', 'iat', 'exp', 'nbf', 'jti', 'request', 'request_uri'].includes(name)) continue;
    params[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const { request: _request, request_uri: _uri, ...rest } = ctx.query;
  ctx.query = { ...rest, ...params };
}
