import type { Middleware } from 'koa';
import { rewriteForm } from '../server/request-body.ts';
import { basicClientId } from '../faults/request.ts';

/*
 * The authorization endpoint ignores scopes the IdP does not know (a client asking Entra for
 * "User.Read", a Graph permission, gets the rest of what it asked). A refresh request that asks
 * for the same scope again must not then fail with invalid_scope because of that scope, which is
 * what oidc-provider does (MSAL sends the original scope with every refresh): unknown scopes are
 * ignored at the refresh grant too. Known scopes outside the grant are still refused.
 */
export function ignoreUnknownRefreshScopes(options: {
  tokenPath: string;
  /** While no refresh token exists, a refresh request fails whatever its scope: other token requests keep their body unread. */
  refreshTokensExist(): boolean;
  knownScopes(clientId: string | undefined): ReadonlySet<string>;
}): Middleware {
  return function ignoreUnknownRefreshScopes(ctx, next) {
    if (ctx.method !== 'POST' || ctx.path !== options.tokenPath || !options.refreshTokensExist()) return next();
    return rewriteForm(ctx, (params) => {
      const scope = params.get('scope');
      if (params.get('grant_type') !== 'refresh_token' || scope === null) return undefined;
      const known = options.knownScopes(params.get('client_id') ?? basicClientId(ctx));
      const requested = scope.split(' ').filter(Boolean);
      const kept = requested.filter((name) => known.has(name));
      if (kept.length === requested.length) return undefined;
      if (kept.length === 0) params.delete('scope');
      else params.set('scope', kept.join(' '));
      return params;
    }).then(() => next());
  };
}
