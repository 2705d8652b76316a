import { z } from 'zod';
import { faultRuleSchema } from '../faults/schema.ts';
import { profileSchema } from '../profiles/options.ts';
import { invalidCertificateName } from '../tls/names.ts';

/*
 * The whole configuration of the mock IdP, one documented place (as oidc-provider's lib/helpers/defaults.js): every field has
 * its default and a description here, and docs/configuration.md is generated from these schemas.
 */

export const SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const signingAlgSchema = z.enum(SIGNING_ALGS).describe('JWS algorithm');

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'device_code', 'token_exchange', 'jwt_bearer'] as const;

/** The grant_type values of the short names used in configurations. */
export const GRANT_TYPE_URNS: Record<(typeof GRANT_TYPES)[number], string> = {
  authorization_code: 'authorization_code',
  refresh_token: 'refresh_token',
  client_credentials: 'client_credentials',
  device_code: 'urn:ietf:params:oauth:grant-type:device_code',
  token_exchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
};
export const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'] as const;

/** About a hundred years: the bound of every duration and clock offset, so that every instant stays a valid date. */
export const MAX_SECONDS = 3_155_760_000;
const seconds = z.number().int().positive().max(MAX_SECONDS).describe('seconds');
/** A signed number of seconds within a hundred years either way. */
export const offsetSeconds = z.number().int().min(-MAX_SECONDS).max(MAX_SECONDS);

const reservedNames = new Set(['_admin', '_ui', 'favicon.ico', 'health']);
export const tenantNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'tenant names are 1-63 characters of letters, digits, ".", "_" or "-", starting with a letter or digit')
  .refine((name) => !reservedNames.has(name), { message: 'this name is reserved for the server itself; choose another tenant name' });

export const userSchema = z
  .strictObject({
    sub: z.string().min(1).optional().describe('Subject identifier (the `sub` claim). Defaults to the user name.'),
    password: z.string().optional().describe('Password accepted by the login form and the headless login. Defaults to the user name.'),
    name: z.string().optional().describe('Full name (`name` claim, scope `profile`).'),
    givenName: z.string().optional().describe('`given_name` claim (scope `profile`).'),
    familyName: z.string().optional().describe('`family_name` claim (scope `profile`).'),
    email: z.string().optional().describe('`email` claim (scope `email`).'),
    emailVerified: z.boolean().default(true).describe('`email_verified` claim (scope `email`).'),
    groups: z.array(z.string()).default([]).describe('`groups` claim (scope `groups`).'),
    roles: z.array(z.string()).default([]).describe('`roles` claim (scope `roles`); omitted when empty.'),
    claims: z.record(z.string(), z.unknown()).default({}).describe('Extra claims added to ID tokens and userinfo; they override the claims above.'),
    aggregatedClaims: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Aggregated claims (OIDC Core 5.6.2): userinfo carries them in _claim_sources as a JWT signed by the tenant.'),
    distributedClaims: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        'Distributed claims (OIDC Core 5.6.2): userinfo names <issuer>/claims and an access token in _claim_sources; that endpoint answers them as a signed JWT.',
      ),
    disabled: z.boolean().default(false).describe('A disabled user cannot log in, and refresh tokens issued to them stop working.'),
  })
  .describe('A test user. Keyed by user name in `tenant.users`.');

const ttlSchema = z
  .strictObject({
    accessToken: seconds.default(3600).describe('Access token lifetime (authorization code, refresh and device grants).'),
    clientCredentials: seconds.default(3600).describe('Access token lifetime for the client_credentials grant.'),
    idToken: seconds.default(3600).describe('ID token lifetime.'),
    refreshToken: seconds.default(14 * 24 * 3600).describe('Refresh token lifetime.'),
    authorizationCode: seconds.default(60).describe('Authorization code lifetime.'),
    deviceCode: seconds.default(600).describe('Device code lifetime (RFC 8628 `expires_in`).'),
    interaction: seconds.default(3600).describe('How long a login/consent interaction stays open.'),
    session: seconds.default(14 * 24 * 3600).describe('Browser session lifetime.'),
    grant: seconds.default(14 * 24 * 3600).describe('Grant lifetime (the family of tokens from one consent).'),
  })
  .describe('Token and artifact lifetimes in seconds.');

const clientTtlSchema = z
  .strictObject({
    accessToken: seconds.optional(),
    clientCredentials: seconds.optional(),
    idToken: seconds.optional(),
    refreshToken: seconds.optional(),
    authorizationCode: seconds.optional(),
    deviceCode: seconds.optional(),
  })
  .describe('Per-client lifetime overrides in seconds; unset fields use the tenant values.');

/** Schemes a browser would run or render instead of sending the user back to a client. */
const SCRIPT_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:']);
/** The scheme of a URL ("https:"), or undefined when it is not one (zod runs refinements after a failed format check too). */
const schemeOf = (uri: string): string | undefined => (URL.canParse(uri) ? new URL(uri).protocol.toLowerCase() : undefined);
const redirectUri = z.url().refine((uri) => !SCRIPT_SCHEMES.has(schemeOf(uri) ?? ''), {
  message: "javascript:, data:, vbscript:, file:, blob: and about: URIs are not places to send a user back to: use http(s) or an app's own scheme",
});
/** A URL the IdP itself calls. */
const httpUrl = z
  .url()
  .refine((uri) => schemeOf(uri) === undefined || /^https?:$/.test(schemeOf(uri)!), { message: 'the IdP calls this URL itself: use http or https' });

/** Members of a private JWK (and the secret of a symmetric one). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const corsOriginSchema = z.string().refine((value) => value === '*' || originOf(value) === value, {
  message: 'must be an origin: scheme, host and port only, such as http://127.0.0.1:5173 (no path, no trailing slash), or "*" for any origin',
});

function originOf(value: string): string | undefined {
  const url = URL.parse(value);
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url.origin : undefined;
}

/** The browser origins a client's CORS requests may come from: configured, else those of its redirect URIs. */
export function corsOriginsOf(client: { corsOrigins?: string[] | undefined; redirectUris: string[]; postLogoutRedirectUris: string[] }): string[] {
  if (client.corsOrigins) return client.corsOrigins;
  const origins = [...client.redirectUris, ...client.postLogoutRedirectUris].map(originOf).filter((origin): origin is string => origin !== undefined);
  return [...new Set(origins)];
}

export const clientSchema = z
  .strictObject({
    name: z.string().optional().describe('Display name shown on the login, consent and device pages.'),
    secret: z.string().min(1).optional().describe('Client secret. Required for client_secret_basic, client_secret_post and client_secret_jwt.'),
    authMethod: z
      .enum(CLIENT_AUTH_METHODS)
      .optional()
      .describe(
        'Token endpoint authentication method. Defaults to client_secret_basic when a secret is set, private_key_jwt when jwks/jwksUri is set, else none (a public client).',
      ),
    grants: z
      .array(z.enum(GRANT_TYPES))
      .min(1)
      .default(['authorization_code', 'refresh_token'])
      .describe("Grant types the client may use; token_exchange is RFC 8693, jwt_bearer RFC 7523 (and Entra's on-behalf-of in the entra profile)."),
    exchangeAudiences: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Audiences (or resource indicators) this client may get tokens for with token_exchange and jwt_bearer, besides its own audience and client_id; "*" allows any.',
      ),
    redirectUris: z.array(redirectUri).default([]).describe('Registered redirect URIs, matched exactly.'),
    postLogoutRedirectUris: z.array(redirectUri).default([]).describe('Registered post-logout redirect URIs for RP-initiated logout.'),
    backchannelLogoutUri: httpUrl
      .optional()
      .describe('OpenID Back-Channel Logout: the IdP POSTs a logout token here when the user logs out (loopback allowed).'),
    backchannelLogoutSessionRequired: z.boolean().default(false).describe("Put the session id (`sid`) into this client's logout tokens."),
    frontchannelLogoutUri: z.url().optional().describe('OpenID Front-Channel Logout: the page after a logout loads this in an iframe (loopback allowed).'),
    frontchannelLogoutSessionRequired: z.boolean().default(false).describe('Add iss and the session id (sid) to the frontchannelLogoutUri.'),
    initiateLoginUri: z
      .url()
      .optional()
      .describe(
        'Login initiated by a third party (OpenID Connect Core §4): GET <issuer>/initiate_login?client_id=<id> sends the browser here with iss (loopback allowed).',
      ),
    scopes: z.array(z.string()).optional().describe('Scopes the client may request. Default: every scope of the tenant.'),
    pkce: z
      .enum(['required', 'optional'])
      .optional()
      .describe('PKCE for the authorization code flow. Default: required for public clients, optional for confidential ones.'),
    pkcePlain: z.boolean().default(false).describe('Also accept code_challenge_method=plain (RFC 7636 allows it; RFC 9700 discourages it).'),
    consent: z
      .enum(['auto', 'prompt'])
      .default('auto')
      .describe('auto: consent is granted by policy (no consent page); prompt: the user must approve the scopes.'),
    idTokenAlg: signingAlgSchema.optional().describe("ID token signing algorithm. Default: the tenant's `defaultAlg`."),
    userinfoAlg: signingAlgSchema.optional().describe('Answer userinfo as a JWT signed with this algorithm (OpenID rp-userinfo-sig). Default: plain JSON.'),
    audience: z
      .string()
      .min(1)
      .optional()
      .describe(
        'When set, access tokens are JWTs (typ at+jwt) for this audience, signed with `accessTokenAlg`. Unset: opaque access tokens, usable at userinfo and introspection.',
      ),
    accessTokenAlg: signingAlgSchema.optional().describe("Signing algorithm of JWT access tokens. Default: the tenant's `defaultAlg`."),
    claims: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("Extra claims put into this client's JWT access tokens (for example roles of a client_credentials app)."),
    jwks: z
      .strictObject({ keys: z.array(z.record(z.string(), z.unknown())).min(1) })
      .optional()
      .describe('Public keys for private_key_jwt client authentication.'),
    jwksUri: httpUrl.optional().describe("URL of the client's JWKS for private_key_jwt client authentication."),
    dpop: z
      .enum(['required', 'optional'])
      .default('optional')
      .describe(
        "DPoP (RFC 9449): required makes the token endpoint refuse requests without a DPoP proof (the client's access tokens are always sender-constrained, cnf.jkt); optional binds tokens only when a proof is sent.",
      ),
    dpopNonce: z
      .boolean()
      .default(false)
      .describe('Demand a server nonce in every DPoP proof of this client (use_dpop_nonce with a DPoP-Nonce header first, as Okta does).'),
    par: z
      .enum(['required', 'optional'])
      .default('optional')
      .describe('Pushed authorization requests (RFC 9126): required makes the authorization endpoint accept only a request_uri from the PAR endpoint.'),
    corsOrigins: z
      .array(corsOriginSchema)
      .optional()
      .describe(
        'Browser origins (scheme://host:port) allowed to call the token, userinfo, revocation, introspection and end-session endpoints for this client with CORS; "*" allows any. Default: the origins of its redirectUris and postLogoutRedirectUris. [] allows none.',
      ),
    ttl: clientTtlSchema.optional(),
  })
  .superRefine((client, ctx) => {
    const method = client.authMethod;
    if (method?.startsWith('client_secret') && !client.secret) {
      ctx.addIssue({
        code: 'custom',
        path: ['secret'],
        message: `authMethod ${method} needs a secret: set "secret", or use authMethod "none" for a public client`,
      });
    }
    if (method === 'private_key_jwt' && !client.jwks && !client.jwksUri) {
      ctx.addIssue({ code: 'custom', path: ['jwks'], message: 'authMethod private_key_jwt needs the client\'s public keys: set "jwks" or "jwksUri"' });
    }
    if (client.grants.includes('authorization_code') && client.redirectUris.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['redirectUris'],
        message: 'the authorization_code grant needs at least one redirect URI: add one to "redirectUris"',
      });
    }
    for (const grant of ['client_credentials', 'token_exchange', 'jwt_bearer'] as const) {
      if (client.grants.includes(grant) && publicClient(client)) {
        ctx.addIssue({ code: 'custom', path: ['grants'], message: `${grant} needs an authenticated client: set "secret" (or "jwks" for private_key_jwt)` });
      }
    }
    client.jwks?.keys.forEach((key, index) => {
      const found = PRIVATE_JWK_MEMBERS.filter((member) => member in key);
      if (found.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['jwks', 'keys', index],
          message: `a private key (it has ${found.map((member) => `"${member}"`).join(', ')}): give the client's public keys only; its private key stays with the client`,
        });
    });
    if (client.grants.includes('refresh_token') && !client.grants.some((grant) => grant === 'authorization_code' || grant === 'device_code')) {
      ctx.addIssue({ code: 'custom', path: ['grants'], message: 'refresh_token is only useful with authorization_code or device_code: add one of them' });
    }
  })
  .describe('An OAuth client. Keyed by client_id in `tenant.clients`.');

/** A client is public when it has no way to authenticate at the token endpoint. */
export function publicClient(client: { authMethod?: string | undefined; secret?: string | undefined; jwks?: unknown; jwksUri?: string | undefined }): boolean {
  return resolveAuthMethod(client) === 'none';
}

export function resolveAuthMethod(client: {
  authMethod?: string | undefined;
  secret?: string | undefined;
  jwks?: unknown;
  jwksUri?: string | undefined;
}): (typeof CLIENT_AUTH_METHODS)[number] {
  if (client.authMethod) return client.authMethod as (typeof CLIENT_AUTH_METHODS)[number];
  if (client.secret) return 'client_secret_basic';
  if (client.jwks || client.jwksUri) return 'private_key_jwt';
  return 'none';
}

const keySpecSchema = z
  .strictObject({
    alg: signingAlgSchema,
    kid: z.string().min(1).optional().describe('Key id. Default: the RFC 7638 thumbprint of the key.'),
    jwk: z.record(z.string(), z.unknown()).optional().describe('A private JWK to load instead of generating a key (for stable fixtures).'),
  })
  .describe('A signing key of the tenant: generated at start unless `jwk` is given.');

const trustedIssuerSchema = z
  .strictObject({
    tenant: tenantNameSchema.optional().describe('Another tenant of this server: its issuer and keys (found through its discovery document).'),
    issuer: z.string().min(1).optional().describe('The iss of tokens from an issuer outside this server.'),
    jwksUri: httpUrl.optional().describe('Where the outside issuer publishes its keys. Default: the jwks_uri of <issuer>/.well-known/openid-configuration.'),
    jwks: z
      .strictObject({ keys: z.array(z.record(z.string(), z.unknown())).min(1) })
      .optional()
      .describe("The outside issuer's public keys, given here."),
    userClaim: z
      .string()
      .min(1)
      .default('sub')
      .describe("Claim of its tokens that names the local user: its value is matched against each user's sub, user name and email."),
  })
  .superRefine((trusted, ctx) => {
    if ((trusted.tenant === undefined) === (trusted.issuer === undefined))
      ctx.addIssue({ code: 'custom', message: 'give either "tenant" (another tenant of this server) or "issuer" (an outside issuer)' });
    if (trusted.tenant !== undefined && (trusted.jwksUri !== undefined || trusted.jwks !== undefined))
      ctx.addIssue({ code: 'custom', path: ['jwks'], message: 'a tenant publishes its own keys: leave out jwks and jwksUri' });
    if (trusted.jwksUri !== undefined && trusted.jwks !== undefined)
      ctx.addIssue({ code: 'custom', path: ['jwks'], message: 'give jwks or jwksUri, not both' });
    trusted.jwks?.keys.forEach((key, index) => {
      const found = PRIVATE_JWK_MEMBERS.filter((member) => member in key);
      if (found.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['jwks', 'keys', index],
          message: `a private key (it has ${found.map((member) => `"${member}"`).join(', ')}): give the issuer's public keys only`,
        });
    });
  })
  .describe('An issuer whose JWTs this tenant accepts as token-exchange subject or actor tokens and as JWT bearer assertions.');

export const tenantSchema = z
  .strictObject({
    displayName: z.string().optional().describe('Name shown on the login pages. Default: the tenant name.'),
    keys: z
      .array(keySpecSchema)
      .min(1)
      .default([{ alg: 'RS256' }, { alg: 'ES256' }])
      .describe('Signing keys; one active key per algorithm.'),
    defaultAlg: signingAlgSchema.default('RS256').describe('Default signing algorithm of ID tokens and JWT access tokens.'),
    keyRotationGraceSeconds: z.number().int().nonnegative().max(MAX_SECONDS).default(3600).describe('How long a rotated-out key stays published in the JWKS.'),
    clock: z
      .strictObject({
        offsetSeconds: offsetSeconds.default(0).describe('Added to the real time for every iat/exp/nbf and expiry check of this tenant.'),
        frozenAt: z.iso.datetime({ offset: true }).optional().describe("Freeze the tenant's clock at this instant (ISO 8601)."),
      })
      .default({ offsetSeconds: 0 })
      .describe("The tenant's controllable clock."),
    ttl: ttlSchema.default(ttlSchema.parse({})),
    refreshTokens: z
      .strictObject({
        rotation: z
          .enum(['always', 'never', 'public-clients'])
          .default('always')
          .describe('When a refresh token is replaced on use. A reused rotated token revokes the whole grant.'),
        requireOfflineAccess: z
          .boolean()
          .default(false)
          .describe('Issue refresh tokens only when the offline_access scope was requested and granted (Google-like).'),
      })
      .default({ rotation: 'always', requireOfflineAccess: false })
      .describe('Refresh token issuance and rotation.'),
    deviceFlow: z
      .strictObject({
        interval: z
          .number()
          .int()
          .positive()
          .default(5)
          .describe('Polling interval in seconds announced in the device authorization response (RFC 8628 requires a positive number).'),
        enforceInterval: z
          .boolean()
          .default(true)
          .describe(
            'Answer slow_down (and add 5 s to the interval) when a client polls faster than its interval, whether or not the user has approved; a slow_down answered by a fault rule counts too.',
          ),
        userCodeCharset: z.enum(['base-20', 'digits']).default('base-20'),
      })
      .default({ interval: 5, enforceInterval: true, userCodeCharset: 'base-20' })
      .describe('Device authorization grant (RFC 8628) behaviour.'),
    scopes: z.array(z.string()).default([]).describe('Extra scopes besides openid, profile, email, groups, roles and offline_access.'),
    users: z.record(z.string().min(1), userSchema).default({}).describe('Users by user name.'),
    clients: z.record(z.string().min(1), clientSchema).default({}).describe('Clients by client_id.'),
    trustedIssuers: z
      .array(trustedIssuerSchema)
      .default([])
      .describe('Issuers (other tenants, outside IdPs) whose JWTs are accepted by token_exchange and jwt_bearer.'),
    faults: z.array(faultRuleSchema).default([]).describe('Fault rules active from the start (docs/faults.md): the tenant misbehaves on purpose.'),
    registration: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Clients may register themselves at <issuer>/reg (OpenID Connect Dynamic Client Registration).'),
        initialAccessToken: z.string().min(1).optional().describe('When set, registration needs it as a bearer token. Default: open registration.'),
      })
      .default({ enabled: false })
      .describe('Dynamic client registration.'),
    requestObjects: z
      .boolean()
      .default(false)
      .describe(
        "Accept request objects: by value (request) and by reference (request_uri, which the IdP fetches; oidc-provider itself takes request_uri only from PAR), signed with the client's keys or, when it registered request_object_signing_alg none, unsigned.",
      ),
    profile: profileSchema.optional(),
  })
  .superRefine((tenant, ctx) => {
    for (const { username, owner } of sharedSubs(tenant.users)) {
      ctx.addIssue({
        code: 'custom',
        path: ['users', username, 'sub'],
        message: `sub "${tenant.users[username]?.sub ?? username}" is already the subject of user "${owner}": every user needs a sub of their own`,
      });
    }
  })
  .describe('One issuer, served at <base URL>/<tenant name>.');

/** Users whose sub (configured, else the user name) is already another user's. */
function sharedSubs(users: Record<string, { sub?: string | undefined }>): Array<{ username: string; owner: string }> {
  const owners = new Map<string, string>();
  const shared: Array<{ username: string; owner: string }> = [];
  // Users without a sub first: their user name is their sub, and a configured sub should not take it.
  const ordered = Object.entries(users).sort(([, a], [, b]) => Number(a.sub !== undefined) - Number(b.sub !== undefined));
  for (const [username, user] of ordered) {
    const sub = user.sub ?? username;
    const owner = owners.get(sub);
    if (owner !== undefined) shared.push({ username, owner });
    else owners.set(sub, username);
  }
  return shared;
}

export const limitsSchema = z
  .strictObject({
    tenants: z.number().int().positive().max(100_000).default(500).describe('Tenants one server holds (configured and added at runtime).'),
    usersPerTenant: z.number().int().positive().max(1_000_000).default(1000).describe('Users of one tenant.'),
    clientsPerTenant: z.number().int().positive().max(1_000_000).default(1000).describe('Clients of one tenant.'),
    faultRulesPerTenant: z.number().int().positive().max(1_000_000).default(1000).describe('Fault rules of one tenant.'),
    keysPerTenant: z.number().int().positive().max(10_000).default(50).describe('Signing keys of one tenant, rotated-out keys in their grace period included.'),
  })
  .describe('What the configuration and the admin API may create; past a limit the admin API answers 409 limit_reached.');
export type Limits = z.output<typeof limitsSchema>;
const tlsObjectSchema = z
  .strictObject({
    caDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Folder of the local CA that signs the certificate (created on first use, kept: trust its ca.pem once). Default: MOCKIDP_CA_DIR, else ~/.config/mockidp/ca (Windows %APPDATA%\\mockidp\\ca, macOS ~/Library/Application Support/mockidp/ca).',
      ),
    names: z
      .array(
        z.string().superRefine((name, ctx) => {
          const problem = invalidCertificateName(name);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      )
      .default([])
      .describe('DNS names or IP addresses the certificate is for, besides 127.0.0.1, ::1, localhost and the host of `host` and `baseUrl`.'),
    cert: z.string().min(1).optional().describe('PEM file of your own certificate (its chain after it) instead of one from the local CA; needs `key`.'),
    key: z.string().min(1).optional().describe('PEM file of the private key of `cert`.'),
  })
  .superRefine((tls, ctx) => {
    if (tls.cert !== undefined && tls.key === undefined)
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'a certificate of your own needs its private key: set "key" to its PEM file' });
    if (tls.key !== undefined && tls.cert === undefined)
      ctx.addIssue({ code: 'custom', path: ['cert'], message: 'a private key needs its certificate: set "cert" to its PEM file' });
    if (tls.cert !== undefined && (tls.caDir !== undefined || tls.names.length > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: [tls.caDir !== undefined ? 'caDir' : 'names'],
        message: 'caDir and names are for certificates of the local CA; with your own cert and key, remove them (your certificate decides its names)',
      });
    }
  });

const tlsSchema = z
  .preprocess((input) => (input === true ? {} : input === false || input === null ? undefined : input), tlsObjectSchema.optional())
  .describe(
    'Serve https: `tls: true` (a certificate from the local CA) or {caDir, names} or {cert, key} with your own. Clients must trust the CA: `mockidp serve --tls` prints how.',
  );

export const serverSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1').describe('Address to bind. Anything but loopback requires an admin token or `unsafeAdmin`.'),
    port: z.number().int().min(0).max(65535).default(9400).describe('Port to bind; 0 picks a free port.'),
    baseUrl: z
      .url()
      .optional()
      .describe(
        'Public base URL used in issuers when the server sits behind a proxy or a container port mapping. Default: http://<host>:<port> (https:// with `tls`).',
      ),
    adminToken: z.string().min(8).optional().describe('Bearer token required by /_admin. Env: MOCKIDP_ADMIN_TOKEN.'),
    allowedHosts: z
      .array(z.string().regex(/^(\*|[A-Za-z0-9.-]{1,253})$/, 'a host name without port (e.g. mockidp or idp.example.test), or * for any'))
      .default([])
      .describe(
        'Extra host names the admin API and the dashboard answer under, besides IP addresses, localhost, the bound host and the base URL\'s host (a guard against DNS rebinding); "*" allows any. Env: MOCKIDP_ALLOWED_HOSTS (comma-separated).',
      ),
    unsafeAdmin: z.boolean().default(false).describe('Allow an unprotected admin API on a non-loopback address (never do this on a shared network).'),
    journalLimit: z.number().int().positive().max(1_000_000).default(10000).describe('How many requests the journal keeps (oldest dropped first).'),
    journalBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(4 * 1024 * 1024 * 1024)
      .default(64 * 1024 * 1024)
      .describe(
        'About how many bytes the journal may hold (oldest entries dropped first). Each parameter is kept to 512 characters and each request to 64 parameters.',
      ),
    limits: limitsSchema.default(limitsSchema.parse({})),
    logLevel: z.enum(['silent', 'info', 'debug']).default('info').describe('Console log level. Secrets and full tokens are never logged at info.'),
    tls: tlsSchema,
  })
  .describe('The HTTP server.');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path of the JSON Schema, for editors.'),
    server: serverSchema.default(serverSchema.parse({})),
    tenants: z.record(tenantNameSchema, tenantSchema).describe('Tenants by name; each one is an issuer.'),
  })
  .superRefine((config, ctx) => {
    const { limits } = config.server;
    const tenants = Object.entries(config.tenants);
    if (tenants.length > limits.tenants)
      ctx.addIssue({
        code: 'custom',
        path: ['tenants'],
        message: `${tenants.length} tenants, more than server.limits.tenants (${limits.tenants}): raise the limit or serve fewer tenants`,
      });
    for (const [name, tenant] of tenants) {
      const counts: Array<[string, number, number, keyof Limits]> = [
        ['users', Object.keys(tenant.users).length, limits.usersPerTenant, 'usersPerTenant'],
        ['clients', Object.keys(tenant.clients).length, limits.clientsPerTenant, 'clientsPerTenant'],
        ['faults', tenant.faults.length, limits.faultRulesPerTenant, 'faultRulesPerTenant'],
        ['keys', tenant.keys.length, limits.keysPerTenant, 'keysPerTenant'],
      ];
      for (const [field, count, limit, key] of counts) {
        if (count > limit)
          ctx.addIssue({
            code: 'custom',
            path: ['tenants', name, field],
            message: `${count} ${field}, more than server.limits.${key} (${limit}): raise the limit or configure fewer`,
          });
      }
    }
  })
  .describe('Configuration of the mock IdP.');

export type UserConfig = z.output<typeof userSchema>;
export type UserInput = z.input<typeof userSchema>;
export type ClientConfig = z.output<typeof clientSchema>;
export type ClientInput = z.input<typeof clientSchema>;
export type KeySpec = z.output<typeof keySpecSchema>;
export type TenantConfig = z.output<typeof tenantSchema>;
export type TenantInput = z.input<typeof tenantSchema>;
type ServerConfig = z.output<typeof serverSchema>;
export type TlsConfig = NonNullable<ServerConfig['tls']>;
export type MockIdpConfig = z.output<typeof configSchema>;
export type MockIdpConfigInput = z.input<typeof configSchema>;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
export type TrustedIssuerConfig = z.output<typeof trustedIssuerSchema>;
