import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { z } from 'zod';
import { deviceCodeGrantAlias } from './device-code-grant.ts';
import type { AppliedProfile, ErrorContext, ProfileDefinition } from './profile.ts';
import { stableGuid } from './profile.ts';
import { entraOptions } from './options.ts';

/*
 * Microsoft Entra ID (learn.microsoft.com/entra/identity-platform): v2 and v1 token shapes; authorities common,
 * organizations, consumers or one tenant; the literal {tenantid} placeholder in the multi-tenant
 * discovery issuer while tokens carry the real tenant; oid/tid/ver/uti/aio/rh claims, groups as
 * object GUIDs with overage; no at_hash or c_hash from /token; AADSTS error envelopes; the device
 * flow's message field, no verification_uri_complete, authorization_declined; x5t and per-key
 * issuer in the JWKS.
 */

export const MSA_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

type Options = z.output<typeof entraOptions>;

const AADSTS: Record<string, [number, string]> = {
  invalid_grant: [
    70008,
    'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  ],
  invalid_client: [
    7000215,
    'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
  ],
  invalid_scope: [70011, "The provided value for the input parameter 'scope' isn't valid."],
  invalid_request: [900144, "The request body must contain the following parameter: 'grant_type'."],
  unauthorized_client: [700016, 'Application was not found in the directory.'],
  unsupported_grant_type: [70003, 'The app requested an unsupported grant type.'],
  authorization_pending: [70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'],
  expired_token: [70020, "The provided value for the input parameter 'device_code' is not valid. Device codes are valid for 15 minutes."],
  access_denied: [70000, 'The user denied the authorization request.'],
  slow_down: [70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'],
  invalid_target: [500011, 'The resource principal was not found in the tenant.'],
};

function timestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

function entraError(body: { error: string; error_description?: string }, context: ErrorContext): Record<string, unknown> {
  const error = body.error === 'access_denied' && context.grant === 'urn:ietf:params:oauth:grant-type:device_code' ? 'authorization_declined' : body.error;
  // A description that already carries its AADSTS code (on-behalf-of refusals) keeps it.
  const own = /^AADSTS(\d+): ([\s\S]*)$/.exec(body.error_description ?? '');
  const [code, message] = own ? [Number(own[1]), own[2]!] : (AADSTS[body.error] ?? [90000, body.error_description ?? 'The request failed.']);
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const at = timestamp();
  return {
    error,
    error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${at}`,
    error_codes: [code],
    timestamp: at,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

export const entra: ProfileDefinition<Options> = {
  name: 'entra',
  summary:
    'Microsoft Entra ID: v1/v2, common/organizations/consumers/tenant authorities, {tenantid} placeholder issuer, oid/tid/ver claims, AADSTS errors, device message.',
  options: entraOptions,
  apply(o, { tenant, mount }): AppliedProfile {
    const tid = o.audience === 'consumers' ? MSA_TENANT : (o.tenantId ?? stableGuid(`entra-tenant:${tenant}`));
    const v2 = o.version === 'v2';
    const issuer = v2 ? `${mount}/${tid}/v2.0` : `${mount}/${tid}/`;
    const placeholder = o.audience === 'common' || o.audience === 'organizations';
    const discoveryIssuer = placeholder ? (v2 ? `${mount}/{tenantid}/v2.0` : `${mount}/{tenantid}/`) : issuer;
    const prefix = v2 ? '/oauth2/v2.0' : '/oauth2';
    const authority = o.audience === 'tenant' ? tid : o.audience;
    return {
      name: 'entra',
      label: `entra ${o.version} (${o.audience})`,
      brand: { product: 'Microsoft Entra ID', accent: '#0067b8', detail: `${tenant} · tenant ${tid}`, pickerTitle: 'Pick an account' },
      issuer,
      // The authority's own name answers too: MSAL, which speaks only v2, fetches
      // <authority>/v2.0/.well-known/openid-configuration, also from a v1 tenant (then with its v1 endpoints and tokens).
      discoveryPaths: [...new Set(v2 ? ['/v2.0', `/${tid}/v2.0`, `/${authority}/v2.0`] : [`/${tid}`, `/${authority}`, `/${tid}/v2.0`, `/${authority}/v2.0`])],
      paths: {
        authorization: `${prefix}/authorize`,
        token: `${prefix}/token`,
        device_authorization: `${prefix}/devicecode`,
        end_session: `${prefix}/logout`,
        jwks: v2 ? '/discovery/v2.0/keys' : '/discovery/keys',
        userinfo: '/oidc/userinfo',
        code_verification: '/devicelogin',
      },
      tenantDefaults: {
        keys: [{ alg: 'RS256' }],
        defaultAlg: 'RS256',
        refreshTokens: { rotation: 'always', requireOfflineAccess: true },
        ttl: { accessToken: 4500, idToken: 3600, refreshToken: 90 * 86400, deviceCode: 900 },
      },
      userClaims(username, user) {
        const oid = stableGuid(`entra-user:${tid}:${username}`);
        const upn = user.email ?? `${username}@${tenant}.onmicrosoft.com`;
        const groups = user.groups.map((group) => stableGuid(`entra-group:${tid}:${group}`));
        const overage = groups.length > o.groupsOverageLimit;
        return {
          oid,
          tid,
          ver: v2 ? '2.0' : '1.0',
          uti: stableGuid(`uti:${oid}`).replace(/-/g, '').slice(0, 22),
          aio: `E2ZgY${stableGuid(`aio:${oid}`).replace(/-/g, '')}`,
          rh: `0.A${stableGuid(`rh:${oid}`).replace(/-/g, '')}.`,
          ...(v2 ? { preferred_username: upn } : { unique_name: upn, upn, preferred_username: undefined }),
          ...(overage
            ? {
                groups: undefined,
                _claim_names: { groups: 'src1' },
                _claim_sources: { src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${oid}/getMemberObjects` } },
              }
            : { groups }),
        };
      },
      accessTokenClaims({ clientId, user }) {
        return v2 ? { azp: clientId, azpacr: '1', ver: '2.0', ...(user ? {} : { roles: [] }) } : { appid: clientId, appidacr: '1', ver: '1.0' };
      },
      discovery(document) {
        return {
          ...document,
          issuer: discoveryIssuer,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          subject_types_supported: ['pairwise'],
          tenant_region_scope: 'EU',
          cloud_instance_name: 'microsoftonline.com',
        };
      },
      // Entra's signing certificates are self-signed with this subject; kid is their thumbprint (x5t).
      certificates: { commonName: 'accounts.accesscontrol.windows.net', kidIsThumbprint: true },
      jwks(document) {
        return { keys: document.keys.map((key) => ({ ...key, issuer: discoveryIssuer })) };
      },
      deviceAuthorization(body) {
        const { verification_uri_complete: _complete, ...rest } = body;
        return {
          ...rest,
          expires_in: 900,
          message: `To sign in, use a web browser to open the page ${String(body['verification_uri'])} and enter the code ${String(body['user_code'])} to authenticate.`,
        };
      },
      error: entraError,
      tokenRequest: deviceCodeGrantAlias,
      tokenResponse(body, request) {
        // client_info=1 asks for the account's home ids (MSAL's homeAccountId is uid.utid).
        if (request.get('client_info') !== '1' || typeof body['id_token'] !== 'string') return body;
        const claims = decodeJwt(body['id_token']);
        if (typeof claims['oid'] !== 'string' || typeof claims['tid'] !== 'string') return body;
        return { ...body, client_info: Buffer.from(JSON.stringify({ uid: claims['oid'], utid: claims['tid'] })).toString('base64url') };
      },
      rules: [
        // Entra puts at_hash and c_hash only in ID tokens from /authorize, never from /token.
        { id: 'entra-no-token-hashes', match: { endpoint: 'token' }, action: { token: { of: 'id_token', remove: ['at_hash', 'c_hash'] } } },
        ...(v2 ? [] : [{ id: 'entra-v1-x5t', match: { endpoint: 'token' as const }, action: { token: { of: 'all' as const, header: { x5t: '${kid}' } } } }]),
      ],
      without: [],
    };
  },
};
