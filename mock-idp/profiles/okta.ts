import type { z } from 'zod';
import type { AppliedProfile, ProfileDefinition } from './profile.ts';
import { oktaOptions } from './options.ts';

/*
 * Okta (developer.okta.com/docs): the org authorization server (issuer = the org, /oauth2/v1/*) or
 * a custom one (issuer .../oauth2/{id}, /oauth2/{id}/v1/*); access tokens with cid, uid, scp as an
 * array and ver 1; refresh rotation; groups only in ID tokens on the org server.
 */

export const okta: ProfileDefinition<z.output<typeof oktaOptions>> = {
  name: 'okta',
  summary: 'Okta: org or custom authorization server paths and issuers, cid/uid/scp access-token claims, refresh rotation.',
  options: oktaOptions,
  apply(o, { mount }): AppliedProfile {
    const base = o.server === 'custom' ? `/oauth2/${o.authServerId}` : '';
    return {
      name: 'okta',
      label: `okta (${o.server === 'custom' ? `custom AS ${o.authServerId}` : 'org AS'})`,
      brand: { product: 'Okta', accent: '#00297a' },
      issuer: `${mount}${base}`,
      discoveryPaths: base ? [base] : [],
      paths: {
        authorization: `${base}/v1/authorize`.replace(/^\/v1/, '/oauth2/v1'),
        token: `${base}/v1/token`.replace(/^\/v1/, '/oauth2/v1'),
        userinfo: `${base}/v1/userinfo`.replace(/^\/v1/, '/oauth2/v1'),
        jwks: `${base}/v1/keys`.replace(/^\/v1/, '/oauth2/v1'),
        introspection: `${base}/v1/introspect`.replace(/^\/v1/, '/oauth2/v1'),
        revocation: `${base}/v1/revoke`.replace(/^\/v1/, '/oauth2/v1'),
        end_session: `${base}/v1/logout`.replace(/^\/v1/, '/oauth2/v1'),
        device_authorization: `${base}/v1/device/authorize`.replace(/^\/v1/, '/oauth2/v1'),
        code_verification: '/activate',
      },
      tenantDefaults: {
        keys: [{ alg: 'RS256' }],
        defaultAlg: 'RS256',
        refreshTokens: { rotation: 'always', requireOfflineAccess: true },
        ttl: { accessToken: 3600, idToken: 3600, refreshToken: 90 * 86400 },
      },
      userClaims(username, user) {
        return {
          sub: user.sub ?? `00u${Buffer.from(username).toString('hex').padEnd(17, '0').slice(0, 17)}`,
          preferred_username: user.email ?? username,
          ver: 1,
        };
      },
      accessTokenClaims({ clientId, username, user, scope }) {
        return {
          ver: 1,
          cid: clientId,
          scp: scope.split(' ').filter(Boolean),
          ...(username && user ? { uid: user.sub ?? `00u${Buffer.from(username).toString('hex').padEnd(17, '0').slice(0, 17)}` } : {}),
        };
      },
      rules: [],
      without: [],
    };
  },
};
