import type { z } from 'zod';
import type { AppliedProfile, ProfileDefinition } from './profile.ts';
import { auth0Options } from './options.ts';

/*
 * Auth0 (auth0.com/docs): an issuer with a mandatory trailing slash, /oauth/token and
 * /.well-known/jwks.json paths, namespaced custom claims, 24 h access tokens, refresh tokens only
 * with offline_access and rotation with reuse detection, the device flow under /oauth/device/code
 * (with verification_uri_complete), and end_session_endpoint in discovery only when switched on.
 */

export const auth0: ProfileDefinition<z.output<typeof auth0Options>> = {
  name: 'auth0',
  summary: 'Auth0: issuer with a trailing slash, /oauth/token, namespaced claims, 24 h access tokens, rotation with reuse detection, /oauth/device/code.',
  options: auth0Options,
  apply(o, { mount }): AppliedProfile {
    return {
      name: 'auth0',
      label: 'auth0',
      brand: { product: 'Auth0', accent: '#635dff' },
      issuer: `${mount}/`,
      discoveryPaths: [],
      paths: {
        authorization: '/authorize',
        token: '/oauth/token',
        userinfo: '/userinfo',
        jwks: '/.well-known/jwks.json',
        revocation: '/oauth/revoke',
        device_authorization: '/oauth/device/code',
        code_verification: '/activate',
        end_session: '/oidc/logout',
      },
      tenantDefaults: {
        keys: [{ alg: 'RS256' }],
        defaultAlg: 'RS256',
        refreshTokens: { rotation: 'always', requireOfflineAccess: true },
        ttl: { accessToken: 86400, idToken: 36000, clientCredentials: 86400 },
      },
      userClaims(username, user) {
        return {
          sub: user.sub ?? `auth0|${Buffer.from(username).toString('hex').padEnd(24, '0').slice(0, 24)}`,
          nickname: username,
          ...(user.groups.length > 0 ? { [`${o.namespace}groups`]: user.groups, groups: undefined } : {}),
          ...(user.roles.length > 0 ? { [`${o.namespace}roles`]: user.roles, roles: undefined } : {}),
        };
      },
      accessTokenJwt({ payload }, { grantScope, clientCredentials }) {
        // Auth0's machine-to-machine tokens: sub <client_id>@clients, azp the client, gty client-credentials.
        if (clientCredentials && typeof payload['client_id'] === 'string') {
          Object.assign(payload, { sub: `${payload['client_id']}@clients`, azp: payload['client_id'], gty: 'client-credentials' });
          return;
        }
        // With openid in the scope, Auth0 access tokens are also for its /userinfo: aud is [API, <issuer>userinfo].
        if (grantScope.split(' ').includes('openid') && typeof payload['aud'] === 'string') payload['aud'] = [payload['aud'], `${mount}/userinfo`];
      },
      discovery(document) {
        const { end_session_endpoint: end, ...rest } = document;
        return { ...rest, ...(o.endSessionDiscovery && end ? { end_session_endpoint: end } : {}) };
      },
      // Auth0's tenant signing keys are published with their self-signed certificates (CN = the tenant's domain).
      certificates: { commonName: new URL(mount).hostname },
      jsonRequests: true,
      rules: [],
      without: [],
    };
  },
};
