import { z } from 'zod';
import type { AppliedProfile, ProfileDefinition } from './profile.ts';
import { stableNumericId } from './profile.ts';

/*
 * Google (quirks.md §2, §9 google): RS256 only, numeric subjects, hd for Workspace users,
 * boolean email_verified, opaque access tokens, refresh tokens only with access_type=offline and
 * a consent prompt, no end_session_endpoint, the device flow's verification_url, and Google's
 * "Token has been expired or revoked." for dead refresh tokens.
 */

export const googleOptions = z
  .strictObject({
    name: z.literal('google'),
    issuer: z.enum(['https', 'scheme-less']).default('https').describe('scheme-less: ID tokens carry the issuer without its scheme, as Google\'s legacy "accounts.google.com" (verifiers must accept both).'),
    hostedDomain: z.string().default('example.com').describe('The Workspace domain (hd claim) of users whose e-mail is in it.'),
  })
  .describe('Google accounts.');

export const google: ProfileDefinition<z.output<typeof googleOptions>> = {
  name: 'google',
  summary: 'Google: RS256, numeric sub, hd, refresh tokens only with access_type=offline and consent, no logout endpoint, verification_url.',
  options: googleOptions,
  apply(o, { mount }): AppliedProfile {
    const schemeLess = mount.replace(/^https?:\/\//, '');
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
        const claims: Record<string, unknown> = { sub: user.sub ?? stableNumericId(`google:${username}`), email_verified: user.email === undefined ? undefined : true };
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
        if (body.error === 'invalid_grant' && context.grant === 'refresh_token') return { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
        return body;
      },
      authorizationQuery(query) {
        // Google's offline access is a parameter, not a scope: access_type=offline asks for a refresh token.
        const scopes = new Set((query.get('scope') ?? '').split(' ').filter(Boolean));
        if (query.get('access_type') === 'offline') scopes.add('offline_access');
        else scopes.delete('offline_access');
        query.set('scope', [...scopes].join(' '));
        return query;
      },
      rules: o.issuer === 'scheme-less' ? [{ id: 'google-scheme-less-issuer', match: { endpoint: 'token' }, action: { token: { of: 'id_token', claims: { iss: schemeLess } } } }] : [],
      without: ['end_session'],
    };
  },
};
