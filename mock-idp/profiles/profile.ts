import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { TenantInput, UserConfig } from '../config/schema.ts';
import type { FaultRuleInput } from '../faults/schema.ts';

/*
 * A provider profile: data plus small hooks applied to a tenant so that it behaves like a real
 * provider (issuer and discovery shape, endpoint paths, claims, refresh rules, error envelopes,
 * device-flow fields, JWKS fields). Paths are relative to the tenant's mount (/<tenant>), so one
 * mock server can host several "providers" side by side.
 */

export interface ProfileContext {
  /** Tenant name, the first path segment. */
  tenant: string;
  /** `${baseUrl}/${tenant}`: where the tenant is mounted. */
  mount: string;
}

/** Internal endpoints a profile path can stand for (the tenant's oidc-provider routes). */
export type InternalEndpoint =
  | 'authorization'
  | 'token'
  | 'userinfo'
  | 'jwks'
  | 'introspection'
  | 'revocation'
  | 'device_authorization'
  | 'code_verification'
  | 'end_session'
  | 'discovery';

/** A token the tenant issued (opaque access tokens and refresh tokens), as a profile's own endpoints see it. */
interface IssuedToken {
  kind: 'AccessToken' | 'RefreshToken';
  clientId: string;
  accountId: string | undefined;
  scope: string;
  /** Expiry, epoch seconds. */
  exp: number;
  grantId: string | undefined;
}

/** A profile's own endpoint (Google's tokeninfo, Keycloak's session pages): a handler of the request. */
type ProfileEndpoint = (ctx: Context, tenant: ProfileTenant) => Promise<void>;

/** What a profile's own endpoints may use of their tenant. */
export interface ProfileTenant {
  signingKeys(): readonly import('../keys/key-set.ts').SigningKey[];
  nowSeconds(): number;
  /** A live (unexpired, unrevoked) access or refresh token of this tenant. */
  findToken(value: string): Promise<IssuedToken | undefined>;
  /** Revokes a grant and every token issued from it. */
  revokeGrant(grantId: string): void;
  /** The redirect URIs of a client, or undefined when there is no such client. */
  redirectUrisOf(clientId: string): readonly string[] | undefined;
  /** The claims of the user with this subject (the account id), or undefined. */
  claimsOf(accountId: string): Record<string, unknown> | undefined;
  /** The claims of an ID token this tenant signed and that has not expired, or undefined. */
  verifyIdToken(token: string): Promise<Record<string, unknown> | undefined>;
}

export interface ErrorContext {
  endpoint: string;
  status: number;
  /** The request's grant_type at the token endpoint. */
  grant: string | undefined;
}

interface AuthorizationExchange {
  /** The internal path: /auth, or /auth/{interaction uid} for a resume. */
  path: string;
  /** The query the client sent. */
  query: URLSearchParams;
  location: string | undefined;
  accountId: string | undefined;
  clientId: string | undefined;
}

export interface AppliedProfile {
  name: string;
  /** "entra v2 (common)": shown on pages and in the admin API. */
  label: string;
  /** How the login pages look: the provider's name, colour, directory or realm. */
  brand: { product: string; accent: string; detail?: string; pickerTitle?: string };
  /** Issuer of ID tokens (the provider's issuer). */
  issuer: string;
  /** Where discovery also answers, relative to the mount (e.g. "/realms/acme"), besides the mount itself. */
  discoveryPaths: string[];
  /** Profile path (relative to the mount) -> the internal endpoint it serves. */
  paths: Partial<Record<InternalEndpoint, string>>;
  /** Audience of the access tokens of clients that set none: they are JWTs for it (Keycloak: "account"); unset: opaque tokens. */
  defaultAudience?: string;
  /** Settings the profile gives the tenant unless its configuration says otherwise. */
  tenantDefaults: Partial<TenantInput>;
  /** Claims a user gets from the profile (object ids, tenant ids, UPNs...), under the user's own. */
  userClaims(username: string, user: UserConfig): Record<string, unknown>;
  /**
   * Extra claims of JWT access tokens; `scope` is what the user granted (the grant's scope), or the
   * token's own for client credentials; `sessionUid` the browser session a user's token comes from.
   */
  accessTokenClaims?(info: {
    clientId: string;
    username: string | undefined;
    user: UserConfig | undefined;
    scope: string;
    sessionUid: string | undefined;
  }): Record<string, unknown>;
  /**
   * A cookie the provider keeps beside its session for browser scripts (Keycloak's KEYCLOAK_SESSION):
   * set on each authorization response of a signed-in user, cleared at logout. Path relative to the mount.
   */
  sessionCookie?: { name: string; path: string; value(session: { accountId: string; sessionUid: string }): string };
  /** Changes to a JWT access token before it is signed (Auth0's audience array, its client-credentials shape). */
  accessTokenJwt?(
    token: { header?: Record<string, unknown> | undefined; payload: Record<string, unknown> },
    info: { grantScope: string; clientCredentials: boolean },
  ): void;
  /** Final changes to the discovery document (after the endpoint URLs were rewritten to the profile's paths). */
  discovery?(document: Record<string, unknown>): Record<string, unknown>;
  /**
   * JWKS keys carry x5c, x5t (and x5t#S256 with sha256Thumbprint) of a self-signed certificate
   * with subject CN=commonName; kidIsThumbprint: the tenant's initial keys get kid = x5t (Entra, AD FS).
   */
  certificates?: { commonName: string; sha256Thumbprint?: boolean; kidIsThumbprint?: boolean };
  /** Changes to the JWKS document (after the certificates were added). */
  jwks?(document: { keys: Array<Record<string, unknown>> }): { keys: Array<Record<string, unknown>> };
  /** Changes to the device authorization response. */
  deviceAuthorization?(body: Record<string, unknown>): Record<string, unknown>;
  /** The provider's error envelope for a protocol error body. */
  error?(body: { error: string; error_description?: string }, context: ErrorContext): Record<string, unknown>;
  /** CORS answers to an app's own origin allow credentials (keycloak-js sends its token requests with credentials: 'include'). */
  corsCredentials?: boolean;
  /** The token and revocation endpoints also take JSON bodies (Auth0's documented requests are JSON). */
  jsonRequests?: boolean;
  /**
   * Changes to the form of a token, revocation or introspection request before the IdP sees it
   * (Entra's grant_type=device_code, Keycloak's JWT refresh tokens turned back into the IdP's); undefined: unchanged.
   */
  tokenRequest?(
    params: URLSearchParams,
    endpoint: 'token' | 'revocation' | 'introspection',
  ): URLSearchParams | undefined | Promise<URLSearchParams | undefined>;
  /** Changes to a successful token response, given the request's form (Entra's client_info, Keycloak's JWT refresh tokens). */
  tokenResponse?(body: Record<string, unknown>, request: URLSearchParams): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Changes to the authorization request's query before the IdP sees it (Google's access_type=offline). */
  authorizationQuery?(query: URLSearchParams): URLSearchParams;
  /** The provider's 404 body for a path under its own prefix that it does not serve (Keycloak's RESTEASY003210); undefined: not its path. */
  notFound?(path: string, href: string): Record<string, unknown> | undefined;
  /**
   * Sees each authorization request and interaction resume once answered: the client's own query
   * (before authorizationQuery), where it was sent (Location) and, on resume, who logged in.
   */
  authorizationAnswered?(exchange: AuthorizationExchange): void;
  /**
   * The provider's own rules for token exchange (RFC 8693), beyond the RFC's: answers why a request
   * is refused (invalid_request), or undefined.
   */
  tokenExchange?(request: TokenExchangeRequest): string | undefined;
  /** Whether the code being redeemed earns a refresh token; undefined leaves it to the tenant's rules. */
  issueRefreshToken?(code: string): boolean | undefined;
  /**
   * Endpoints of the provider's own that oidc-provider has no counterpart for (Google's tokeninfo,
   * PEM certificates, revoke without client authentication): path relative to the mount -> handler.
   */
  endpoints?: Record<string, ProfileEndpoint>;
  /** Rewrites applied to responses with the fault engine (re-signed tokens), always on. */
  rules: FaultRuleInput[];
  /** Endpoints the real provider does not have (Google: no end_session). */
  without: InternalEndpoint[];
}

interface TokenExchangeRequest {
  /** The requesting client. */
  clientId: string;
  subject: { type: string; local: boolean; clientId: string | undefined; audiences: string[] };
  /** The audience asked for, if any. */
  audience: string | undefined;
  isClient(clientId: string): boolean;
}

export interface ProfileDefinition<O> {
  name: string;
  summary: string;
  /** Options with defaults (zod, .describe() on each). */
  options: import('zod').ZodType<O>;
  apply(options: O, context: ProfileContext): AppliedProfile;
}

/** A GUID that is always the same for the same text (object and tenant ids of fixtures). */
export function stableGuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A long numeric string that is always the same for the same text (Google subjects). */
export function stableNumericId(text: string, digits = 21): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `1${BigInt(`0x${hex.slice(0, 24)}`)
    .toString()
    .padStart(digits, '0')
    .slice(0, digits - 1)}`;
}
