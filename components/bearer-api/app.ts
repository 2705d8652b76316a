import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import type { JWTPayload } from 'jose';
import type { FlawName } from '../flaws.ts';
import { Discovery } from '../oidc/discovery.ts';
import { UpstreamError } from '../oidc/errors.ts';
import { PRESENTED_TOKEN_STEPS } from '../oidc/token-checks.ts';
import { TokenValidator } from '../oidc/token-validator.ts';
import { MappingError, mapIdentity, type AuthMapConfig, type MappedIdentity } from '../role-mapping/auth-map.ts';
import { errorBoundary } from '../server/error-boundary.ts';
import { HttpError } from '../server/http-error.ts';
import { listen, type RunningComponent } from '../server/listen.ts';
import { consoleLogger, type Logger } from '../server/logger.ts';
import { parseOptions } from '../server/options.ts';
import { decodeAccessToken, readAuthorization, verifyAccessToken, type AccessTokenVerifier } from './access-token.ts';
import { dpopRefusal, insufficientScope, type Scheme } from './challenge.ts';
import { ProofReplayCache, boundKey, verifyDpopProof, type DpopPolicy } from './dpop.ts';
import { bearerApiOptionsSchema, type BearerApiConfig, type BearerApiOptions } from './options.ts';
import { trustCaFile } from '../server/trust.ts';

/*
 * A small API protected by IdP access tokens whose caller's role comes from the AuthMap (the role
 * mapping after Lightbits' federated authentication): GET /whoami shows the mapping, GET /roles/:role
 * answers 200 only to callers that hold the role. Errors follow RFC 6750 (WWW-Authenticate, error, error_description).
 */

interface Call {
  scheme: Scheme;
  token: string;
  claims: JWTPayload;
  identity: MappedIdentity;
}

interface Deps {
  verifier: AccessTokenVerifier;
  roleMapping: AuthMapConfig;
  dpop: DpopPolicy & { mode: 'allow' | 'require' };
}

type Step = ((ctx: Context, call: Call, deps: Deps) => void | Promise<void>) & { readonly name: string };

function readToken(ctx: Context, call: Call): void {
  Object.assign(call, readAuthorization(ctx));
}

async function verifyToken(_ctx: Context, call: Call, deps: Deps): Promise<void> {
  call.claims = await verifyAccessToken(call.token, deps.verifier);
}

/** FLAW roles-from-unverified-claim. */
async function decodeToken(_ctx: Context, call: Call, deps: Deps): Promise<void> {
  call.claims = await decodeAccessToken(call.token, deps.verifier);
}

/** RFC 9449 section 7: a bound token goes with a fresh proof of its key, an unbound one as Bearer. */
async function checkSenderConstraint(ctx: Context, call: Call, deps: Deps): Promise<void> {
  const jkt = boundKey(call.claims);
  if (call.scheme === 'Bearer') {
    if (jkt !== undefined) throw dpopRefusal('invalid_token', 'the token is DPoP-bound: send it as "Authorization: DPoP <token>" with a DPoP proof of its key');
    if (deps.dpop.mode === 'require') throw dpopRefusal('invalid_token', 'this API accepts only DPoP-bound tokens: ask the IdP for one with a DPoP proof');
    return;
  }
  if (jkt === undefined) throw dpopRefusal('invalid_token', 'the token is not DPoP-bound (no cnf.jkt): send it as "Authorization: Bearer <token>"');
  const proofKey = await verifyDpopProof(ctx, call.token, deps.dpop);
  if (proofKey !== jkt) throw dpopRefusal('invalid_dpop_proof', 'the DPoP proof is signed by another key than the one the token is bound to (cnf.jkt)');
}

/** FLAW ignore-dpop-binding: the token is all that counts, however it came and whoever holds its key. */
function ignoreSenderConstraint(): void {}

function mapRoles(_ctx: Context, call: Call, deps: Deps, enforceKind = true): void {
  try {
    call.identity = mapIdentity(deps.roleMapping, call.claims, { enforceKind });
  } catch (error) {
    if (error instanceof MappingError) throw insufficientScope(error.message);
    throw error;
  }
}

/** FLAW ignore-token-kind: every token is identified by its user and its app claim, whatever the mode. */
function mapRolesAnyKind(ctx: Context, call: Call, deps: Deps): void {
  mapRoles(ctx, call, deps, false);
}

const BEARER_STEPS: readonly Step[] = [readToken, verifyToken, checkSenderConstraint, mapRoles];

const FLAWED: Partial<Record<FlawName, Record<string, Step>>> = {
  'roles-from-unverified-claim': { verifyToken: decodeToken },
  'ignore-token-kind': { mapRoles: mapRolesAnyKind },
  'ignore-dpop-binding': { checkSenderConstraint: ignoreSenderConstraint },
};

function renderOAuthError(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  const error =
    status === 401
      ? ctx.response.get('www-authenticate').includes('invalid_token')
        ? 'invalid_token'
        : 'unauthorized'
      : status === 403
        ? 'insufficient_scope'
        : status >= 500
          ? 'temporarily_unavailable'
          : 'invalid_request';
  ctx.body = { error, error_description: message };
}

export interface BearerApiApp extends Koa {
  readonly config: BearerApiConfig;
}

export function createBearerApiApp(options: BearerApiOptions, logger?: Logger): BearerApiApp {
  const config = parseOptions(bearerApiOptionsSchema, options, 'bearer-api');
  if (config.caFile) trustCaFile(config.caFile);
  const log = logger ?? consoleLogger(config.logLevel, 'bearer-api');
  const discovery = new Discovery(config.issuer, { discoveryUrl: config.discoveryUrl, timeoutMs: config.httpTimeoutMs });
  const validator = new TokenValidator({
    policy: {
      issuer: config.issuer,
      audiences: config.audiences,
      trustedAudiences: [],
      allowUntrustedAudiences: true,
      algorithms: config.allowedAlgs,
      clockSkewSeconds: config.clockSkewSeconds,
      forbiddenTypes: [],
      maxLength: 16_384,
      now: config.now,
    },
    steps: PRESENTED_TOKEN_STEPS,
    discovery,
    jwks: { maxAgeSeconds: config.jwksMaxAgeSeconds, refetchCooldownSeconds: config.jwksRefetchCooldownSeconds },
    timeoutMs: config.httpTimeoutMs,
  });
  const deps: Deps = {
    verifier: { validator, discovery, opaqueTokens: config.opaqueTokens, timeoutMs: config.httpTimeoutMs },
    roleMapping: config.roleMapping,
    dpop: {
      mode: config.dpop,
      maxAgeSeconds: config.dpopProofMaxAgeSeconds,
      publicUrl: config.publicUrl,
      now: config.now,
      replay: new ProofReplayCache(config.now),
    },
  };
  const replaced = config.flaw === undefined ? undefined : FLAWED[config.flaw];
  const steps = BEARER_STEPS.map((step) => replaced?.[step.name] ?? step);

  const authenticate = async (ctx: Context): Promise<MappedIdentity> => {
    const call = {} as Call;
    try {
      for (const step of steps) await step(ctx, call, deps);
    } catch (error) {
      if (error instanceof UpstreamError) {
        log.warn(error.message);
        throw new HttpError(502, `the IdP could not be used to check the token: ${error.message}`);
      }
      throw error;
    }
    return call.identity;
  };

  const describe = (identity: MappedIdentity) => ({
    subject: identity.subject,
    kind: identity.kind,
    client_id: identity.clientId,
    mode: config.roleMapping.mode,
    identifiers: identity.identifiers,
    roles: identity.roles,
  });

  const router = new Router();
  router.get('/whoami', async (ctx) => {
    ctx.body = describe(await authenticate(ctx));
  });
  router.get('/roles/:role', async (ctx) => {
    const identity = await authenticate(ctx);
    const role = ctx.params['role']!;
    const grant = identity.roles.find((candidate) => candidate.role === role);
    if (!grant) throw insufficientScope(`the caller does not hold role "${role}" (roles: ${identity.roles.map((g) => g.role).join(', ')})`);
    ctx.body = { allowed: true, role: grant.role, scope: grant.scope, via: grant.via, subject: identity.subject };
  });
  router.get('/healthcheck', (ctx) => {
    ctx.status = 204;
  });

  const app = new Koa() as BearerApiApp;
  app.silent = true;
  app.use(errorBoundary(renderOAuthError, log));
  app.use(router.routes());
  app.use(router.allowedMethods());
  Object.assign(app, { config });
  return app;
}

export async function startBearerApi(options: BearerApiOptions): Promise<RunningComponent> {
  const app = createBearerApiApp(options);
  const { config } = app;
  const running = await listen(app.callback(), config, 'bearer-api');
  const log = consoleLogger(config.logLevel, 'bearer-api');
  log.info(
    `bearer API listening on ${running.url} (GET /whoami, GET /roles/:role), issuer ${config.issuer}, audiences ${config.audiences.join(', ')}, mode ${config.roleMapping.mode}`,
  );
  if (config.flaw) log.warn(`FLAWED VARIANT "${config.flaw}": for conformance tests only`);
  return running;
}
