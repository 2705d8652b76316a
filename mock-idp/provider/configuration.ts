import type { CookieKeys } from '../server/cookie-keys.ts';
import type { Configuration, ClientMetadata, KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { GRANT_TYPE_URNS, corsOriginsOf, resolveAuthMethod, publicClient, type ClientConfig, type TenantConfig, type UserConfig } from '../config/schema.ts';
import type { KeySet } from '../keys/key-set.ts';
import { adapterFor, type TtlStore } from './store.ts';
import { claimSources } from './claim-sources.ts';
import { noteFrontChannel } from './front-channel-logout.ts';
import type { AppliedProfile } from '../profiles/index.ts';
import * as pages from '../ui/pages.ts';
import { ADDED_CONSENT_PARAM, interactionsWithAddedConsent } from './offline-access.ts';
import type { LoginClaims } from './login-claims.ts';
import { originAllowed } from './cors.ts';
import { dpopNonceDemanded } from './dpop-nonce.ts';

/** What the provider configuration needs from a tenant (kept narrow so each part stays replaceable). */
export interface ProviderTenant {
  readonly name: string;
  readonly issuer: string;
  readonly config: TenantConfig;
  readonly store: TtlStore;
  readonly keys: KeySet;
  readonly cookieKeys: CookieKeys;
  readonly users: ReadonlyMap<string, UserConfig>;
  readonly clients: ReadonlyMap<string, ClientConfig>;
  userBySub(sub: string): { username: string; user: UserConfig } | undefined;
  /** Every claim of a user, with the tenant's provider profile applied. */
  claimsOf(username: string, user: UserConfig): Record<string, unknown> & { sub: string };
  readonly profile?: AppliedProfile | undefined;
  /** Claims chosen at login, by grant. */
  readonly loginClaims: LoginClaims;
  /** Signs and checks DPoP nonces; the same across rebuilds, so a nonce survives them. */
  readonly dpopNonceSecret: Buffer;
  /** Sends the provider's outgoing requests (back-channel logout tokens); fault rules may change them. */
  fetchOut?(url: string, init: RequestInit): Promise<Response>;
}

export const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email', 'groups', 'roles'] as const;

export const ROUTES = {
  authorization: '/auth',
  token: '/token',
  userinfo: '/userinfo',
  jwks: '/jwks',
  introspection: '/token/introspection',
  revocation: '/token/revocation',
  device_authorization: '/device/auth',
  code_verification: '/device',
  end_session: '/session/end',
  pushed_authorization_request: '/request',
  registration: '/reg',
  backchannel_authentication: '/backchannel',
  challenge: '/challenge',
} as const;

function clientMetadata(tenant: ProviderTenant, clientId: string, client: ClientConfig): ClientMetadata {
  const authMethod = resolveAuthMethod(client);
  const grantTypes = client.grants.map((grant) => GRANT_TYPE_URNS[grant]);
  const metadata: ClientMetadata = {
    client_id: clientId,
    client_name: client.name ?? clientId,
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: client.grants.includes('authorization_code') ? ['code'] : [],
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    id_token_signed_response_alg: client.idTokenAlg ?? tenant.config.defaultAlg,
  };
  if (client.dpop === 'required') metadata['dpop_bound_access_tokens'] = true;
  if (client.par === 'required') metadata['require_pushed_authorization_requests'] = true;
  if (client.userinfoAlg) metadata.userinfo_signed_response_alg = client.userinfoAlg;
  if (client.secret) metadata.client_secret = client.secret;
  if (client.scopes) metadata.scope = client.scopes.join(' ');
  if (client.jwks) metadata.jwks = client.jwks as ClientMetadata['jwks'];
  if (client.jwksUri) metadata.jwks_uri = client.jwksUri;
  if (client.backchannelLogoutUri) {
    metadata.backchannel_logout_uri = client.backchannelLogoutUri;
    metadata.backchannel_logout_session_required = client.backchannelLogoutSessionRequired;
  }
  return metadata;
}

function clientConfigOf(tenant: ProviderTenant, ctx: KoaContextWithOIDC | undefined, clientId?: string): ClientConfig | undefined {
  const id = clientId ?? ctx?.oidc.client?.clientId;
  return id === undefined ? undefined : tenant.clients.get(id);
}

/** The resource indicator that stands for a profile's default audience, which need not be a URI (Keycloak's "account"). */
const DEFAULT_AUDIENCE = 'urn:mockidp:default-audience';

/** The resource of a client's JWT access tokens: its audience, else the profile's default; undefined: opaque tokens. */
function resourceOf(tenant: ProviderTenant, client: ClientConfig | undefined): string | undefined {
  if (!client) return undefined;
  return client.audience ?? (tenant.profile?.defaultAudience ? DEFAULT_AUDIENCE : undefined);
}

function resourceScopes(tenant: ProviderTenant, client: ClientConfig): string {
  const known = resourceScopesOf.get(client);
  if (known?.tenantScopes === tenant.config.scopes) return known.scopes;
  const oidc = new Set<string>(OIDC_SCOPES);
  const scopes = [...new Set([...tenant.config.scopes, ...(client.scopes ?? [])].filter((scope) => !oidc.has(scope)))].join(' ');
  resourceScopesOf.set(client, { tenantScopes: tenant.config.scopes, scopes });
  return scopes;
}

/** A client's resource scopes, kept with the tenant scopes they were made from (asked for on every JWT access token). */
const resourceScopesOf = new WeakMap<ClientConfig, { tenantScopes: readonly string[]; scopes: string }>();

/** The login this authorization request has just completed, if any, with the claims chosen for it. */
function submittedLogin(result: Record<string, unknown> | undefined): { claims: Record<string, unknown> | undefined } | undefined {
  if (!result?.['login']) return undefined;
  return { claims: result['loginClaims'] as Record<string, unknown> | undefined };
}

/**
 * Grants requested scopes, claims and resource scopes without asking when the client's consent
 * policy is auto. A login with claims of its own (or one after such a login) starts a new grant, so
 * those claims stay with the tokens of that login.
 */
async function loadExistingGrant(tenant: ProviderTenant, ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const client = oidc.client!;
  const login = submittedLogin(oidc.result);
  const sessionGrantId = oidc.session!.grantIdFor(client.clientId);
  const startsNewGrant = login !== undefined && (login.claims !== undefined || tenant.loginClaims.of(sessionGrantId) !== undefined);
  const grantId = oidc.result?.consent?.grantId ?? (startsNewGrant ? undefined : sessionGrantId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (clientConfigOf(tenant, ctx)?.consent === 'prompt') {
    if (existing && login?.claims) tenant.loginClaims.remember(existing.jti, login.claims);
    return existing;
  }

  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId! });
  const requestedScopes = [...(oidc.requestParamOIDCScopes ?? [])];
  if (requestedScopes.length > 0) grant.addOIDCScope(requestedScopes.join(' '));
  const requestedClaims = [...(oidc.requestParamClaims ?? [])];
  if (requestedClaims.length > 0) grant.addOIDCClaims(requestedClaims);
  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    const scopes = [...oidc.requestParamScopes].filter((scope) => server.scopes.has(scope));
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const savedId = await grant.save();
  if (login?.claims) tenant.loginClaims.remember(savedId, login.claims);
  return grant;
}

/** The scope the user granted in the code, refresh token or device code being redeemed (a resource's access token carries only the resource's scopes). */
function grantScopeOf(ctx: KoaContextWithOIDC): string {
  const { entities } = ctx.oidc;
  const source = entities.AuthorizationCode ?? entities.RefreshToken ?? entities.DeviceCode;
  return typeof source?.scope === 'string' ? source.scope : '';
}

function renderErrorFor(tenant: ProviderTenant) {
  return async (ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) => {
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.type = 'json';
      ctx.body = out;
      return;
    }
    ctx.type = 'html';
    ctx.body = pages.errorPage({ tenant: pageTenant(tenant), error: out.error, description: out.error_description });
  };
}

export function pageTenant(tenant: ProviderTenant): pages.PageTenant {
  return { name: tenant.name, displayName: tenant.config.displayName ?? tenant.name, brand: tenant.profile?.brand };
}

function ttlOf(tenant: ProviderTenant, key: 'accessToken' | 'idToken' | 'refreshToken' | 'authorizationCode' | 'deviceCode' | 'clientCredentials') {
  return (ctx: KoaContextWithOIDC | undefined, _token: unknown, client?: { clientId: string }) =>
    clientConfigOf(tenant, ctx, client?.clientId)?.ttl?.[key] ?? tenant.config.ttl[key];
}

const STANDARD_CLAIMS = new Set(['sub', 'name', 'given_name', 'family_name', 'preferred_username', 'email', 'email_verified', 'groups', 'roles']);

/** The claim names of a user's claims that no standard scope covers (the provider is built to release them with openid). */
export function customClaimNames(claims: Record<string, unknown>): string[] {
  return Object.keys(claims).filter((claim) => !STANDARD_CLAIMS.has(claim));
}

/** Every custom claim name of the tenant's users. */
export function tenantClaimNames(tenant: ProviderTenant): Set<string> {
  const names = new Set<string>();
  for (const [username, user] of tenant.users) {
    // Aggregated and distributed claims are named in userinfo too, so they are released like the others.
    for (const claim of customClaimNames({ ...tenant.claimsOf(username, user), ...user.aggregatedClaims, ...user.distributedClaims })) names.add(claim);
  }
  for (const claim of tenant.loginClaims.names) if (!STANDARD_CLAIMS.has(claim)) names.add(claim);
  return names;
}

export function providerConfiguration(tenant: ProviderTenant, customClaims: Set<string> = tenantClaimNames(tenant)): Configuration {
  const { config } = tenant;
  const without = new Set(tenant.profile?.without ?? []);
  const algs = tenant.keys.algorithms();

  return {
    adapter: adapterFor(tenant.store),
    // Everything here runs on loopback: the provider's SSRF guard would refuse every back-channel
    // logout and client jwks_uri on 127.0.0.1, so its dispatcher is left out.
    fetch: (input, init = {}) => {
      const { dispatcher: _ssrfGuard, ...rest } = init as RequestInit & { dispatcher?: unknown };
      const url = input instanceof Request ? input.url : String(input);
      return tenant.fetchOut ? tenant.fetchOut(url, rest) : fetch(url, rest);
    },
    clients: [...tenant.clients].map(([id, client]) => clientMetadata(tenant, id, client)),
    jwks: tenant.keys.providerJwks() as Configuration['jwks'],
    cookies: {
      keys: tenant.cookieKeys,
      names: { session: `_session.${tenant.name}`, interaction: `_interaction.${tenant.name}`, resume: `_resume.${tenant.name}` },
    },
    routes: ROUTES,
    scopes: [...new Set([...OIDC_SCOPES, ...config.scopes])],
    claims: {
      openid: ['sub', ...customClaims],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
      roles: ['roles'],
    },
    // Real providers put the scope's claims into the ID token of the code flow; so do we.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: config.defaultAlg,
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: algs,
      userinfoSigningAlgValues: algs,
      requestObjectSigningAlgValues: ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA'],
      clientAuthSigningAlgValues: [
        'HS256',
        'HS384',
        'HS512',
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'PS512',
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
        'Ed25519',
      ],
    },
    async findAccount(_ctx, sub, token) {
      const found = tenant.userBySub(sub);
      if (!found || found.user.disabled) return undefined;
      // The token being redeemed or presented (code, refresh token, access token) names its grant.
      const atLogin = tenant.loginClaims.of(token && 'grantId' in token && typeof token.grantId === 'string' ? token.grantId : undefined);
      return {
        accountId: sub,
        // Aggregated and distributed claims come with userinfo only (OIDC Core 5.6.2).
        claims: async (use: string) => ({
          ...tenant.claimsOf(found.username, found.user),
          ...atLogin,
          sub,
          ...(use === 'userinfo'
            ? await claimSources({ issuer: tenant.issuer, keys: tenant.keys, alg: config.defaultAlg, store: tenant.store }, found.username, sub, found.user)
            : {}),
        }),
      };
    },
    loadExistingGrant: (ctx) => loadExistingGrant(tenant, ctx),
    // Browser apps may call from the origins of their redirect URIs, or those the client lists (cors.ts).
    clientBasedCORS(_ctx, origin, client) {
      const own = tenant.clients.get(client.clientId);
      return own !== undefined && originAllowed(corsOriginsOf(own), origin);
    },
    issueRefreshToken(_ctx, client, code) {
      if (!client.grantTypeAllowed('refresh_token')) return false;
      const byProfile = code.kind === 'AuthorizationCode' ? tenant.profile?.issueRefreshToken?.(code.jti) : undefined;
      if (byProfile !== undefined) return byProfile && code.scopes.has('offline_access');
      if (config.refreshTokens.requireOfflineAccess) return code.scopes.has('offline_access');
      return true;
    },
    rotateRefreshToken(ctx) {
      const mode = config.refreshTokens.rotation;
      if (mode === 'always') return true;
      if (mode === 'never') return false;
      return ctx.oidc.client?.clientAuthMethod === 'none';
    },
    pkce: {
      required(ctx, client) {
        const own = clientConfigOf(tenant, ctx, client.clientId);
        if (!own) return true;
        return (own.pkce ?? (publicClient(own) ? 'required' : 'optional')) === 'required';
      },
    },
    ttl: {
      AccessToken: ttlOf(tenant, 'accessToken'),
      ClientCredentials: ttlOf(tenant, 'clientCredentials'),
      IdToken: ttlOf(tenant, 'idToken'),
      RefreshToken: ttlOf(tenant, 'refreshToken'),
      AuthorizationCode: ttlOf(tenant, 'authorizationCode'),
      DeviceCode: ttlOf(tenant, 'deviceCode'),
      Interaction: config.ttl.interaction,
      Session: config.ttl.session,
      Grant: config.ttl.grant,
    },
    interactions: {
      // The prompt in the URL lets a scripted user go straight to the action, without reading the page first.
      url: (_ctx, interaction) => `/${tenant.name}/interaction/${interaction.uid}?prompt=${encodeURIComponent(interaction.prompt.name)}`,
      policy: interactionsWithAddedConsent(),
    },
    extraParams: [ADDED_CONSENT_PARAM],
    async extraTokenClaims(ctx, token) {
      const own = clientConfigOf(tenant, ctx, token.clientId);
      const account = 'accountId' in token && typeof token.accountId === 'string' ? tenant.userBySub(token.accountId) : undefined;
      // A resource's access token holds only the resource's scopes; providers list what the user granted (openid, profile...).
      const scope = grantScopeOf(ctx) || (typeof token.scope === 'string' ? token.scope : '');
      const sessionUid = 'sessionUid' in token && typeof token.sessionUid === 'string' ? token.sessionUid : undefined;
      const profileClaims = tenant.profile?.accessTokenClaims?.({
        clientId: token.clientId ?? '',
        username: account?.username,
        user: account?.user,
        scope,
        sessionUid,
      });
      const claims = { ...profileClaims, ...own?.claims };
      return Object.keys(claims).length > 0 ? claims : undefined;
    },
    renderError: renderErrorFor(tenant),
    ...(tenant.profile?.accessTokenJwt
      ? {
          formats: {
            customizers: {
              jwt: (ctx, token, jwt) =>
                tenant.profile?.accessTokenJwt?.(jwt, { grantScope: grantScopeOf(ctx), clientCredentials: token.kind === 'ClientCredentials' }),
            },
          },
        }
      : {}),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Any authenticated client may introspect and revoke (a test IdP); saying so also keeps oidc-provider quiet about its defaults.
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true, allowedPolicy: async () => true },
      userinfo: { enabled: true },
      dPoP: {
        enabled: true,
        nonceSecret: tenant.dpopNonceSecret,
        // A client that asks for nonces, or a fault rule (dpop: {requireNonce: true}) for this request.
        requireNonce: (ctx) => dpopNonceDemanded(ctx) || clientConfigOf(tenant, ctx)?.dpopNonce === true,
      },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false, allowUnregisteredRedirectUris: false },
      jwtUserinfo: { enabled: true },
      registration: {
        enabled: config.registration.enabled,
        ...(config.registration.initialAccessToken ? { initialAccessToken: config.registration.initialAccessToken } : {}),
      },
      requestObjects: { enabled: config.requestObjects, requireSignedRequestObject: false },
      deviceFlow: {
        enabled: !without.has('device_authorization'),
        charset: config.deviceFlow.userCodeCharset === 'digits' ? 'digits' : 'base-20',
        mask: config.deviceFlow.userCodeCharset === 'digits' ? '***-***-***' : '****-****',
        async userCodeInputSource(ctx, form, _out, err) {
          const error = err
            ? err.name === 'NoCodeError' || (err as { userCode?: string }).userCode
              ? 'That code is not valid or has expired. Try again.'
              : 'The sign-in was interrupted. Start again on your device.'
            : undefined;
          ctx.body = pages.deviceInputPage({ tenant: pageTenant(tenant), form, ...(error ? { error } : {}) });
        },
        async userCodeConfirmSource(ctx, form, client, _deviceInfo, userCode) {
          ctx.body = pages.deviceConfirmPage({ tenant: pageTenant(tenant), form, clientName: client.clientName ?? client.clientId, userCode });
        },
        async successSource(ctx) {
          const client = ctx.oidc.client;
          ctx.body = pages.deviceSuccessPage({ tenant: pageTenant(tenant), clientName: client?.clientName ?? client?.clientId ?? 'The device' });
        },
      },
      backchannelLogout: { enabled: !without.has('end_session') },
      rpInitiatedLogout: {
        enabled: !without.has('end_session'),
        async logoutSource(ctx, form) {
          noteFrontChannel(ctx, form, tenant.store, tenant.issuer, tenant.clients);
          ctx.body = pages.logoutPage({ tenant: pageTenant(tenant), form });
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = pages.logoutSuccessPage({ tenant: pageTenant(tenant), clientName: ctx.oidc.client?.clientName });
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, client) => resourceOf(tenant, clientConfigOf(tenant, ctx, client.clientId)),
        useGrantedResource: (ctx) => resourceOf(tenant, clientConfigOf(tenant, ctx)) !== undefined,
        async getResourceServerInfo(ctx, indicator, client): Promise<ResourceServer> {
          const own = clientConfigOf(tenant, ctx, client.clientId);
          if (!own || resourceOf(tenant, own) !== indicator) {
            throw new errors.InvalidTarget(`resource "${indicator}" is not registered for client "${client.clientId}" (set the client's "audience" to it)`);
          }
          const client_credentials = ctx.oidc.params?.grant_type === 'client_credentials';
          return {
            scope: resourceScopes(tenant, own),
            audience: indicator === DEFAULT_AUDIENCE ? tenant.profile!.defaultAudience! : indicator,
            accessTokenTTL: client_credentials
              ? (own.ttl?.clientCredentials ?? config.ttl.clientCredentials)
              : (own.ttl?.accessToken ?? config.ttl.accessToken),
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: own.accessTokenAlg ?? config.defaultAlg } },
          };
        },
      },
    },
  };
}
