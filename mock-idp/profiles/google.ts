import type { z } from 'zod';
import { pemCertificates, revokeByToken, tokenInfo } from './google-endpoints.ts';
import type { AppliedProfile, ProfileDefinition } from './profile.ts';
import { stableNumericId } from './profile.ts';
import { googleOptions } from './options.ts';

/*
 * Google (developers.google.com/identity/openid-connect/reference): RS256 only, numeric subjects, hd for Workspace users,
 * boolean email_verified, opaque access tokens, refresh tokens only with access_type=offline and
 * a consent prompt, no end_session_endpoint, the device flow's verification_url, and Google's
 * "Token has been expired or revoked." for dead refresh tokens.
 */

const LIMIT = 10_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= LIMIT) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

/**
 * Google returns a refresh token for access_type=offline only when the user passes through consent:
 * the first time a user authorizes the client, or whenever the client sends prompt=consent. Later
 * offline authorizations without prompt=consent get none (developers.google.com/identity/protocols/oauth2/web-server#offline).
 */
function offlineConsent(): Pick<AppliedProfile, 'issueRefreshToken'> & { answered: NonNullable<AppliedProfile['authorizationAnswered']> } {
  const explicitConsent = new Map<string, boolean>(); // interaction uid -> the client sent prompt=consent
  const consented = new Map<string, true>(); // account + client that already got a refresh token
  const earns = new Map<string, boolean>(); // authorization code -> refresh token or not
  return {
    answered({ path, query, location, accountId, clientId }) {
      const uid = /\/interaction\/([^/?#]+)/.exec(location ?? '')?.[1];
      if (path === '/auth' && uid && query.get('access_type') === 'offline') {
        remember(explicitConsent, uid, (query.get('prompt') ?? '').split(' ').includes('consent'));
        return;
      }
      const resumed = path.slice('/auth/'.length);
      const explicit = explicitConsent.get(resumed);
      if (explicit === undefined || !location) return;
      explicitConsent.delete(resumed);
      // A login interaction can lead to a consent interaction: the flag follows it.
      if (uid) return remember(explicitConsent, uid, explicit);
      const code = new URL(location, 'http://local').searchParams.get('code');
      if (!code || !accountId || !clientId) return;
      const key = `${accountId}\n${clientId}`;
      const firstConsent = !consented.has(key);
      remember(consented, key, true);
      remember(earns, code, explicit || firstConsent);
    },
    issueRefreshToken(code) {
      const verdict = earns.get(code);
      earns.delete(code);
      return verdict;
    },
  };
}

export const google: ProfileDefinition<z.output<typeof googleOptions>> = {
  name: 'google',
  summary: 'Google: RS256, numeric sub, hd, refresh tokens only with access_type=offline and consent, no logout endpoint, verification_url.',
  options: googleOptions,
  apply(o, { mount }): AppliedProfile {
    const schemeLess = mount.replace(/^https?:\/\//, '');
    const offline = offlineConsent();
    return {
      name: 'google',
      label: `google${o.issuer === 'scheme-less' ? ' (scheme-less issuer)' : ''}`,
      brand: { product: 'Google', accent: '#1a73e8', pickerTitle: 'Choose an account' },
      issuer: mount,
      discoveryPaths: [],
      paths: {
        authorization: '/o/oauth2/v2/auth',
        token: '/token',
        userinfo: '/v1/userinfo',
        jwks: '/oauth2/v3/certs',
        revocation: '/revoke',
        device_authorization: '/device/code',
        code_verification: '/device',
      },
      tenantDefaults: {
        keys: [{ alg: 'RS256' }],
        defaultAlg: 'RS256',
        refreshTokens: { rotation: 'never', requireOfflineAccess: true },
        ttl: { accessToken: 3599, idToken: 3600 },
      },
      userClaims(username, user) {
        const claims: Record<string, unknown> = {
          sub: user.sub ?? stableNumericId(`google:${username}`),
          email_verified: user.email === undefined ? undefined : true,
        };
        if (user.email?.endsWith(`@${o.hostedDomain}`)) claims['hd'] = o.hostedDomain;
        return claims;
      },
      discovery(document) {
        const { end_session_endpoint: _end, ...rest } = document;
        return {
          ...rest,
          ...(o.issuer === 'scheme-less' ? { issuer: schemeLess } : {}),
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          code_challenge_methods_supported: ['plain', 'S256'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        };
      },
      deviceAuthorization(body) {
        const { verification_uri: uri, verification_uri_complete: _complete, ...rest } = body;
        return { ...rest, verification_url: uri };
      },
      error(body, context) {
        if (body.error === 'invalid_grant' && context.grant === 'refresh_token')
          return { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
        return body;
      },
      authorizationQuery(query) {
        // Google's offline access is a parameter, not a scope: access_type=offline asks for a refresh token.
        // The consent prompt keeps oidc-provider from dropping offline_access; whether the code earns a
        // refresh token is decided below, from what the client itself sent.
        const scopes = new Set((query.get('scope') ?? '').split(' ').filter(Boolean));
        if (query.get('access_type') === 'offline') {
          scopes.add('offline_access');
          const prompts = new Set((query.get('prompt') ?? '').split(' ').filter(Boolean));
          if (!prompts.has('none')) query.set('prompt', [...prompts, 'consent'].filter((p, i, all) => all.indexOf(p) === i).join(' '));
        } else scopes.delete('offline_access');
        query.set('scope', [...scopes].join(' '));
        return query;
      },
      endpoints: { '/oauth2/v1/certs': pemCertificates, '/tokeninfo': tokenInfo, '/revoke': revokeByToken },
      authorizationAnswered: offline.answered,
      issueRefreshToken: offline.issueRefreshToken,
      rules:
        o.issuer === 'scheme-less'
          ? [{ id: 'google-scheme-less-issuer', match: { endpoint: 'token' }, action: { token: { of: 'id_token', claims: { iss: schemeLess } } } }]
          : [],
      without: ['end_session'],
    };
  },
};
