import type { z } from 'zod';
import { keycloakRefreshTokens } from './keycloak-refresh.ts';
import { loginStatusIframe, loginStatusInit, SESSION_COOKIE, thirdPartyCookiesStep1, thirdPartyCookiesStep2 } from './keycloak-session.ts';
import type { AppliedProfile, ProfileDefinition } from './profile.ts';
import { keycloakOptions } from './options.ts';

/*
 * Keycloak (keycloak.org/docs): issuer .../realms/{realm} (or .../auth/realms/{realm} for
 * Keycloak 16 and older), /protocol/openid-connect/* paths, realm_access and resource_access
 * roles, typ ID / Bearer, a space-separated scope claim, 5-minute access tokens and a
 * RESTEASY003210 answer for paths that do not exist.
 */

export const keycloak: ProfileDefinition<z.output<typeof keycloakOptions>> = {
  name: 'keycloak',
  summary: 'Keycloak: /realms/{realm} issuer (or /auth/realms), /protocol/openid-connect paths, realm_access/resource_access roles, 5-minute access tokens.',
  options: keycloakOptions,
  apply(o, { mount }): AppliedProfile {
    const realmPath = `${o.legacyAuthPath ? '/auth' : ''}/realms/${o.realm}`;
    const refreshTokens = keycloakRefreshTokens(`${mount}${realmPath}`);
    const oidcPath = `${realmPath}/protocol/openid-connect`;
    return {
      name: 'keycloak',
      label: `keycloak (realm ${o.realm}${o.legacyAuthPath ? ', /auth' : ''})`,
      brand: { product: 'Keycloak', accent: '#0066cc', detail: `realm ${o.realm}` },
      issuer: `${mount}${realmPath}`,
      discoveryPaths: [realmPath],
      paths: {
        authorization: `${oidcPath}/auth`,
        token: `${oidcPath}/token`,
        userinfo: `${oidcPath}/userinfo`,
        jwks: `${oidcPath}/certs`,
        introspection: `${oidcPath}/token/introspect`,
        revocation: `${oidcPath}/revoke`,
        end_session: `${oidcPath}/logout`,
        device_authorization: `${oidcPath}/auth/device`,
        code_verification: `${realmPath}/device`,
      },
      tenantDefaults: {
        keys: [{ alg: 'RS256' }],
        defaultAlg: 'RS256',
        refreshTokens: { rotation: 'never', requireOfflineAccess: false },
        ttl: { accessToken: 300, clientCredentials: 300, idToken: 300, session: 36000, authorizationCode: 60 },
      },
      // Standard token exchange (v2): this realm's access tokens only, presented by the client they
      // were issued to or one in their audience, for clients of the realm (Keycloak "Using token exchange").
      tokenExchange({ clientId, subject, audience, isClient }) {
        if (subject.type !== 'access_token' || !subject.local)
          return `standard token exchange takes access tokens of realm ${o.realm} only (subject_token_type urn:ietf:params:oauth:token-type:access_token)`;
        if (subject.clientId !== clientId && !subject.audiences.includes(clientId)) return 'Client is not within the token audience';
        if (audience !== undefined && !isClient(audience)) return `Audience not found: "${audience}" is not a client of realm ${o.realm}`;
        return undefined;
      },
      userClaims(_username, user) {
        return { typ: 'ID', realm_access: { roles: ['offline_access', 'uma_authorization', ...user.roles] } };
      },
      accessTokenClaims({ clientId, user, scope, sessionUid }) {
        return {
          typ: 'Bearer',
          azp: clientId,
          // keycloak-js takes its session id from the access token's sid (the login-status iframe compares it).
          ...(sessionUid ? { sid: sessionUid } : {}),
          scope,
          realm_access: { roles: ['offline_access', 'uma_authorization', ...(user?.roles ?? [])] },
          resource_access: { [clientId]: { roles: user?.groups ?? [] }, account: { roles: ['manage-account', 'view-profile'] } },
          'allowed-origins': ['*'],
        };
      },
      // Keycloak's generated realm keys come with a self-signed certificate named after the realm.
      certificates: { commonName: o.realm, sha256Thumbprint: true },
      endpoints: {
        [`${oidcPath}/3p-cookies/step1.html`]: thirdPartyCookiesStep1,
        [`${oidcPath}/3p-cookies/step2.html`]: thirdPartyCookiesStep2,
        [`${oidcPath}/login-status-iframe.html`]: loginStatusIframe,
        [`${oidcPath}/login-status-iframe.html/init`]: loginStatusInit,
      },
      corsCredentials: true,
      async tokenRequest(params, endpoint) {
        const field = endpoint === 'token' ? 'refresh_token' : 'token';
        const value = params.get(field);
        if (value === null) return undefined;
        const unwrapped = await refreshTokens.unwrap(value);
        if (unwrapped === value) return undefined;
        params.set(field, unwrapped);
        return params;
      },
      tokenResponse: (body) => refreshTokens.wrap(body),
      // Keycloak's access tokens are always JWTs; without an audience of their own they are for "account".
      defaultAudience: 'account',
      sessionCookie: { name: SESSION_COOKIE, path: `${realmPath}/`, value: ({ accountId, sessionUid }) => `${o.realm}/${accountId}/${sessionUid}` },
      notFound(path, href) {
        // Both path styles belong to Keycloak; the one this version does not serve answers like RESTEasy.
        const match = /^(\/auth)?\/realms\/([^/]+)/.exec(path);
        if (!match) return undefined;
        if (Boolean(match[1]) === o.legacyAuthPath && match[2] !== o.realm) return { error: 'Realm does not exist' };
        return { error: `RESTEASY003210: Could not find resource for full path: ${href}` };
      },
      rules: [],
      without: [],
    };
  },
};
