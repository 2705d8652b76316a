import type { Context, Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { ROUTES } from '../provider/configuration.ts';
import { endpointOf } from '../provider/endpoints.ts';
import type { SigningKey } from '../keys/key-set.ts';
import { certificateFor } from './certificates.ts';
import { jsonAsForm, rewriteForm } from '../server/request-body.ts';
import type { AppliedProfile, InternalEndpoint, ProfileTenant } from './profile.ts';

/*
 * A profile at the edge of the tenant: requests to the provider's own paths (Keycloak's
 * /realms/x/protocol/openid-connect/token, Entra's /oauth2/v2.0/token) are served by the
 * tenant's endpoints, and responses take the provider's shape: discovery with its URLs and
 * fields, JWKS fields, device-flow fields, error envelopes. Internal paths keep working (the
 * IdP's own redirects use them).
 */

const INTERNAL: Record<Exclude<InternalEndpoint, 'discovery'>, string> = {
  authorization: ROUTES.authorization,
  token: ROUTES.token,
  userinfo: ROUTES.userinfo,
  jwks: ROUTES.jwks,
  introspection: ROUTES.introspection,
  revocation: ROUTES.revocation,
  device_authorization: ROUTES.device_authorization,
  code_verification: ROUTES.code_verification,
  end_session: ROUTES.end_session,
};

const DISCOVERY_FIELDS: Record<string, Exclude<InternalEndpoint, 'discovery'>> = {
  authorization_endpoint: 'authorization',
  token_endpoint: 'token',
  userinfo_endpoint: 'userinfo',
  jwks_uri: 'jwks',
  introspection_endpoint: 'introspection',
  revocation_endpoint: 'revocation',
  device_authorization_endpoint: 'device_authorization',
  end_session_endpoint: 'end_session',
};

const DISCOVERY = '/.well-known/openid-configuration';

/** Endpoints whose form a profile's tokenRequest may change. */
const FORM_ENDPOINTS: Record<string, 'token' | 'revocation' | 'introspection'> = {
  [ROUTES.token]: 'token',
  [ROUTES.revocation]: 'revocation',
  [ROUTES.introspection]: 'introspection',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** The internal path a request path stands for, or undefined when it is not a profile path. */
function internalPath(profile: AppliedProfile, path: string): string | undefined {
  for (const prefix of profile.discoveryPaths) if (path === `${prefix}${DISCOVERY}`) return DISCOVERY;
  const aliases = Object.entries(profile.paths).sort(([, a], [, b]) => b.length - a.length);
  for (const [endpoint, alias] of aliases) {
    if (path === alias) return INTERNAL[endpoint as keyof typeof INTERNAL];
    if (path.startsWith(`${alias}/`)) return `${INTERNAL[endpoint as keyof typeof INTERNAL]}${path.slice(alias.length)}`;
  }
  return undefined;
}

function removed(profile: AppliedProfile, path: string): boolean {
  return profile.without.some((endpoint) => {
    const internal = INTERNAL[endpoint as keyof typeof INTERNAL];
    return internal !== undefined && (path === internal || path.startsWith(`${internal}/`));
  });
}

function shapeDiscovery(ctx: Context, profile: AppliedProfile, mount: string): void {
  if (!isRecord(ctx.body)) return;
  const document: Record<string, unknown> = { ...ctx.body };
  for (const [field, endpoint] of Object.entries(DISCOVERY_FIELDS)) {
    if (profile.without.includes(endpoint)) delete document[field];
    else if (profile.paths[endpoint] && typeof document[field] === 'string') document[field] = `${mount}${profile.paths[endpoint]}`;
  }
  const shaped = profile.discovery ? profile.discovery(document) : document;
  for (const key of Object.keys(shaped)) if (shaped[key] === undefined) delete shaped[key];
  ctx.body = shaped;
}

function shapeDevice(ctx: Context, profile: AppliedProfile, mount: string): void {
  if (!isRecord(ctx.body) || ctx.status !== 200) return;
  const body: Record<string, unknown> = { ...ctx.body };
  const alias = profile.paths.code_verification;
  if (alias) {
    for (const field of ['verification_uri', 'verification_uri_complete']) {
      if (typeof body[field] === 'string') body[field] = (body[field] as string).replace(`${mount}${ROUTES.code_verification}`, `${mount}${alias}`);
    }
  }
  ctx.body = profile.deviceAuthorization ? profile.deviceAuthorization(body) : body;
}

type JwksDocument = { keys: Array<Record<string, unknown>> };

/** x5c and x5t (x5t#S256) on each published key the tenant holds (found by modulus: a fault may have swapped a key under its kid). */
function withCertificates(document: JwksDocument, keys: readonly SigningKey[], options: NonNullable<AppliedProfile['certificates']>): JwksDocument {
  return {
    keys: document.keys.map((published) => {
      const key = keys.find((candidate) => candidate.publicJwk.n !== undefined && candidate.publicJwk.n === published['n']);
      const certificate = key && certificateFor(key.privateJwk, options.commonName);
      if (!certificate) return published;
      return { ...published, x5t: certificate.x5t, ...(options.sha256Thumbprint ? { 'x5t#S256': certificate.x5tS256 } : {}), x5c: [certificate.x5c] };
    }),
  };
}

function shapeJwks(ctx: Context, profile: AppliedProfile, keys: readonly SigningKey[]): void {
  if (!isRecord(ctx.body) || !Array.isArray(ctx.body['keys'])) return;
  let document = ctx.body as JwksDocument;
  if (profile.certificates) document = withCertificates(document, keys, profile.certificates);
  if (profile.jwks) document = profile.jwks(document);
  ctx.body = document;
}

/** Sets the profile's session cookie when an authorization response leaves a signed-in user, clears it at logout. */
function keepSessionCookie(ctx: Context, cookie: NonNullable<AppliedProfile['sessionCookie']>, path: string, mountPath: string): void {
  const options = {
    path: `${mountPath}${cookie.path}`,
    httpOnly: false,
    secure: ctx.secure,
    sameSite: ctx.secure ? ('none' as const) : ('lax' as const),
    signed: false,
    overwrite: true,
  };
  if (ctx.method === 'POST' && path === `${ROUTES.end_session}/confirm` && ctx.status < 400) {
    ctx.cookies.set(cookie.name, '', { ...options, expires: new Date(0) });
    return;
  }
  if (ctx.method !== 'GET' || (path !== ROUTES.authorization && !path.startsWith(`${ROUTES.authorization}/`))) return;
  const session = (ctx as unknown as KoaContextWithOIDC).oidc?.session;
  const location = ctx.response.get('location');
  if (!session?.accountId || !/[?#&](code|error)=/.test(location)) return;
  ctx.cookies.set(cookie.name, cookie.value({ accountId: session.accountId, sessionUid: session.uid }), options);
}

export function profileMiddleware(current: () => { profile: AppliedProfile | undefined; mount: string; tenant: ProfileTenant }): Middleware {
  return async function profileEdge(ctx, next) {
    const { profile, mount, tenant } = current();
    if (!profile) return next();
    const keys = tenant.signingKeys();
    const original = ctx.path;
    // Issuers with a trailing slash (Auth0, Entra v1) make clients ask for <issuer>//.well-known/...
    const requested = original.replace(/\/{2,}/g, '/');
    const own = profile.endpoints?.[requested];
    if (own) return own(ctx, tenant);
    const mapped = internalPath(profile, requested);
    const path = mapped ?? requested;
    const notFound = mapped === undefined ? profile.notFound?.(requested, ctx.href) : undefined;
    if (notFound) {
      ctx.status = 404;
      ctx.body = notFound;
      return;
    }
    if (removed(profile, path)) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: `${profile.label} has no such endpoint` };
      return;
    }
    const clientQuery = new URLSearchParams(ctx.querystring);
    if (path !== original) ctx.url = `${path}${ctx.querystring ? `?${ctx.querystring}` : ''}`;
    (ctx.state as { endpoint?: string }).endpoint = endpointOf(path);
    if (profile.jsonRequests && (path === ROUTES.token || path === ROUTES.revocation)) await jsonAsForm(ctx);
    let tokenForm: URLSearchParams | undefined;
    const formEndpoint = FORM_ENDPOINTS[path];
    if (formEndpoint && (profile.tokenRequest || (formEndpoint === 'token' && profile.tokenResponse))) {
      await rewriteForm(ctx, (params) => {
        if (formEndpoint === 'token') tokenForm = new URLSearchParams(params);
        return profile.tokenRequest?.(params, formEndpoint);
      });
    }
    if (profile.authorizationQuery && path === ROUTES.authorization && ctx.method === 'GET') {
      ctx.url = `${path}?${profile.authorizationQuery(new URLSearchParams(ctx.querystring)).toString()}`;
    }

    await next();

    const endpoint = endpointOf(path);
    if (profile.authorizationAnswered && ctx.method === 'GET' && (path === ROUTES.authorization || path.startsWith(`${ROUTES.authorization}/`))) {
      const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
      profile.authorizationAnswered({
        path,
        query: clientQuery,
        location: ctx.response.get('location') || undefined,
        accountId: oidc?.session?.accountId,
        clientId: oidc?.client?.clientId,
      });
    }
    if (profile.corsCredentials) {
      const allowed = ctx.response.get('access-control-allow-origin');
      if (allowed && allowed !== '*' && allowed === ctx.get('origin')) ctx.set('access-control-allow-credentials', 'true');
    }
    if (profile.sessionCookie) keepSessionCookie(ctx, profile.sessionCookie, path, new URL(mount).pathname);
    if (tokenForm && profile.tokenResponse && ctx.status === 200 && isRecord(ctx.body)) ctx.body = await profile.tokenResponse(ctx.body, tokenForm);
    if (endpoint === 'discovery') shapeDiscovery(ctx, profile, mount);
    else if (endpoint === 'jwks') shapeJwks(ctx, profile, keys);
    else if (endpoint === 'device_authorization') shapeDevice(ctx, profile, mount);
    if (profile.error && ctx.status >= 400 && isRecord(ctx.body) && typeof ctx.body['error'] === 'string') {
      const params = (ctx as unknown as KoaContextWithOIDC).oidc?.params as Record<string, unknown> | undefined;
      const grant = typeof params?.['grant_type'] === 'string' ? params['grant_type'] : undefined;
      ctx.body = profile.error(ctx.body as { error: string; error_description?: string }, { endpoint, status: ctx.status, grant });
    }
  };
}
