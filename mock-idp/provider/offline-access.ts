import type { Middleware } from 'koa';
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

/*
 * oidc-provider keeps offline_access in an authorization request only when the request also says
 * prompt=consent (OpenID Connect Core 11). Entra, Okta, Auth0 and Keycloak issue a refresh token
 * for offline_access alone, and their SDKs (MSAL, okta-auth-js...) never send prompt=consent. So a
 * GET authorization request with offline_access and without prompt=none is given prompt=consent plus a
 * marker parameter (prompt=login becomes "login consent"), and the consent prompt ignores a consent that the marker says was added here:
 * the user sees no extra page, the scope survives. A client's own prompt=consent still prompts.
 */

/** Registered as an extra authorization parameter so that it survives into the interaction. */
export const ADDED_CONSENT_PARAM = 'mockidp_added_consent';

export function keepOfflineAccess(options: { authorizationPath: string }): Middleware {
  return async function keepOfflineAccess(ctx, next) {
    if (ctx.method !== 'GET' || ctx.path !== options.authorizationPath) return next();
    // Only this middleware may set the marker.
    const { [ADDED_CONSENT_PARAM]: forged, ...query } = ctx.query;
    const { scope, prompt } = query;
    const prompts = typeof prompt === 'string' ? prompt.split(' ').filter(Boolean) : [];
    const wantsOffline = typeof scope === 'string' && scope.split(' ').includes('offline_access');
    // A repeated prompt parameter is left for oidc-provider to refuse.
    if (wantsOffline && !Array.isArray(prompt) && !prompts.includes('none') && !prompts.includes('consent')) {
      ctx.query = { ...query, prompt: [...prompts, 'consent'].join(' '), [ADDED_CONSENT_PARAM]: '1' };
    } else if (forged !== undefined) {
      ctx.query = query;
    }
    return next();
  };
}

/** The default interaction policy, except that a consent added by keepOfflineAccess is not prompted for. */
export function interactionsWithAddedConsent(): ReturnType<typeof interactionPolicy.base> {
  const policy = interactionPolicy.base();
  const consent = policy.get('consent')!;
  const requested = consent.checks.get('consent_prompt')!;
  consent.checks.remove('consent_prompt');
  consent.checks.unshift(
    new interactionPolicy.Check(requested.reason, requested.description, requested.error ?? 'consent_required', (ctx: KoaContextWithOIDC) => {
      if (ctx.oidc.params?.[ADDED_CONSENT_PARAM] === '1') return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return requested.check(ctx);
    }),
  );
  return policy;
}
