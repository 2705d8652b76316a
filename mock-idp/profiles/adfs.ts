import type { z } from 'zod';
import { deviceCodeGrantAlias } from './device-code-grant.ts';
import type { AppliedProfile, ProfileDefinition } from './profile.ts';
import { adfsOptions } from './options.ts';

/*
 * AD FS 2016 / 2019 (Microsoft Learn, AD FS OpenID Connect/OAuth concepts): issuer .../adfs for ID tokens but
 * http://.../adfs/services/trust for access tokens (advertised as access_token_issuer), extra
 * discovery metadata, /adfs/oauth2/* paths, unique_name and upn claims, userinfo with sub only,
 * no refresh token rotation (no new refresh token on refresh without KMSI), MSIS error texts;
 * 2016 has no device flow.
 */

const MSIS: Record<string, string> = {
  invalid_grant: 'MSIS9612: The authorization code received in \u0027code\u0027 parameter is invalid. ',
  invalid_client: 'MSIS9623: The client credentials are invalid. ',
  unauthorized_client: 'MSIS9321: Received invalid OAuth request. The client \u0027client_id\u0027 is forbidden to access the resource. ',
  invalid_request: 'MSIS9604: An error occurred. The \u0027grant_type\u0027 parameter is missing or invalid. ',
};

export const adfs: ProfileDefinition<z.output<typeof adfsOptions>> = {
  name: 'adfs',
  summary: 'AD FS 2016/2019: /adfs issuer with a different access-token issuer, /adfs/oauth2 paths, unique_name/upn, no refresh rotation, MSIS errors.',
  options: adfsOptions,
  apply(o, { mount }): AppliedProfile {
    const issuer = `${mount}/adfs`;
    const accessTokenIssuer = `${mount.replace(/^https:/, 'http:')}/adfs/services/trust`;
    return {
      name: 'adfs',
      label: `adfs ${o.version}`,
      brand: { product: 'AD FS', accent: '#2672ec', detail: o.domain },
      issuer,
      discoveryPaths: ['/adfs'],
      paths: {
        authorization: '/adfs/oauth2/authorize',
        token: '/adfs/oauth2/token',
        userinfo: '/adfs/userinfo',
        jwks: '/adfs/discovery/keys',
        end_session: '/adfs/oauth2/logout',
        device_authorization: '/adfs/oauth2/devicecode',
        code_verification: '/adfs/oauth2/deviceauth',
        introspection: '/adfs/oauth2/introspect',
        revocation: '/adfs/oauth2/revoke',
      },
      tenantDefaults: {
        keys: [{ alg: 'RS256' }],
        defaultAlg: 'RS256',
        refreshTokens: { rotation: 'never', requireOfflineAccess: false },
        ttl: { accessToken: 3600, idToken: 3600, refreshToken: 8 * 3600 },
      },
      userClaims(username, user) {
        const upn = `${username}@${o.domain}`;
        return {
          unique_name: `CORP\\${username}`,
          upn,
          ...(user.groups.length > 0 ? { group: user.groups.length === 1 ? user.groups[0] : user.groups, groups: undefined } : {}),
        };
      },
      accessTokenClaims({ clientId, username }) {
        return {
          appid: clientId,
          apptype: 'Confidential',
          ver: '1.0',
          ...(username ? { upn: `${username}@${o.domain}`, unique_name: `CORP\\${username}` } : {}),
        };
      },
      discovery(document) {
        const { device_authorization_endpoint: device, ...rest } = document;
        return {
          ...rest,
          ...(o.version === '2019' && device ? { device_authorization_endpoint: device } : {}),
          ...(o.version === '2016' ? { code_challenge_methods_supported: undefined } : {}),
          access_token_issuer: accessTokenIssuer,
          microsoft_multi_refresh_token: true,
          capabilities: ['kdf_ver2'],
          frontchannel_logout_supported: true,
          frontchannel_logout_session_supported: true,
        };
      },
      // The AD FS token-signing certificate (self-signed by auto-rollover); kid and x5t are its thumbprint.
      certificates: { commonName: `ADFS Signing - ${new URL(mount).hostname}`, kidIsThumbprint: true },
      ...(o.version === '2019' ? { tokenRequest: deviceCodeGrantAlias } : {}),
      error(body) {
        const text = MSIS[body.error];
        return text ? { error: body.error, error_description: text } : body;
      },
      rules: [
        { id: 'adfs-access-token-issuer', match: { endpoint: 'token' }, action: { token: { of: 'access_token', claims: { iss: accessTokenIssuer } } } },
        {
          id: 'adfs-userinfo-sub-only',
          match: { endpoint: 'userinfo' },
          action: {
            json: { remove: ['name', 'email', 'email_verified', 'preferred_username', 'groups', 'group', 'upn', 'unique_name', 'given_name', 'family_name'] },
          },
        },
      ],
      without: o.version === '2016' ? ['device_authorization', 'code_verification'] : [],
    };
  },
};
