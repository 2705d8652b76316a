import type { Middleware } from 'koa';
import type { ClientConfig } from '../config/schema.ts';
import { HttpError } from '../server/http-error.ts';

/*
 * Login initiated by a third party (OpenID Connect Core §4): GET <issuer>/initiate_login?client_id=X
 * sends the browser to the client's initiateLoginUri with iss (and login_hint, target_link_uri when
 * given), as a portal or the IdP's app launcher does; the client then starts an ordinary login.
 * oidc-provider accepts initiate_login_uri only over https, so the IdP keeps it and serves this
 * itself (loopback clients included).
 */

export const INITIATE_LOGIN_PATH = '/initiate_login';

export function thirdPartyLogin(options: () => { issuer: string; clients: ReadonlyMap<string, ClientConfig> }): Middleware {
  return async function initiateLogin(ctx, next) {
    if (ctx.method !== 'GET' || ctx.path !== INITIATE_LOGIN_PATH) return next();
    const { issuer, clients } = options();
    const clientId = typeof ctx.query['client_id'] === 'string' ? ctx.query['client_id'] : undefined;
    if (!clientId) throw new HttpError(400, 'invalid_request', 'client_id is required: GET <issuer>/initiate_login?client_id=<the client to log in to>');
    const client = clients.get(clientId);
    if (!client) throw new HttpError(404, 'invalid_client', `no client "${clientId}"; clients: ${[...clients.keys()].join(', ')}`);
    if (!client.initiateLoginUri)
      throw new HttpError(400, 'invalid_client', `client "${clientId}" has no initiateLoginUri: register one to let logins start from here`);
    const target = new URL(client.initiateLoginUri);
    target.searchParams.set('iss', issuer);
    for (const name of ['login_hint', 'target_link_uri'] as const) {
      const value = ctx.query[name];
      if (typeof value === 'string' && value !== '') target.searchParams.set(name, value);
    }
    ctx.redirect(target.toString());
  };
}
