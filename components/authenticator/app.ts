import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { Discovery } from '../oidc/discovery.ts';
import { TokenError, UpstreamError } from '../oidc/errors.ts';
import { ID_TOKEN_STEPS } from '../oidc/token-checks.ts';
import { TokenValidator } from '../oidc/token-validator.ts';
import { bodyParserError, errorBoundary, renderJsonMessage } from '../server/error-boundary.ts';
import { HttpError } from '../server/http-error.ts';
import { listen, type RunningComponent } from '../server/listen.ts';
import { consoleLogger, type Logger } from '../server/logger.ts';
import { parseOptions } from '../server/options.ts';
import { CodeRejectedError } from './code-exchange.ts';
import { authenticatorOptionsSchema, type AuthenticatorConfig, type AuthenticatorOptions } from './options.ts';
import { principalLogin } from './principal-login.ts';
import { runStsLogin, stsLoginSteps, type StsLoginDeps } from './sts-login.ts';
import { trustCaFile } from '../server/trust.ts';

/*
 * The lakeFS authentication API (api/authentication.yml in treeverse/lakeFS) as a Koa app. lakeFS appends the operation path
 * to its configured endpoint (documented example: https://host/api/v1), so every route is served
 * both at the root and under /api/v1: POST {url}/sts/login and POST {url}/api/v1/sts/login are the
 * same operation.
 */

const AUTHENTICATOR_ROUTE_PREFIXES = ['', '/api/v1'] as const;

/** Token and code failures are the caller's problem (401); an unusable IdP is a 502. */
function failureToHttp(error: unknown): unknown {
  if (error instanceof TokenError) return new HttpError(401, `invalid ID token: ${error.message}`);
  if (error instanceof CodeRejectedError) return new HttpError(401, error.message);
  if (error instanceof UpstreamError) return new HttpError(502, `the IdP could not be used: ${error.message}`);
  return error;
}

export interface AuthenticatorApp extends Koa {
  /** The validator (its JWKS cache counts fetches; handy in tests and diagnostics). */
  readonly validator: TokenValidator;
  readonly config: AuthenticatorConfig;
}

export function createAuthenticatorApp(options: AuthenticatorOptions, logger?: Logger): AuthenticatorApp {
  const config = parseOptions(authenticatorOptionsSchema, options, 'authenticator');
  if (config.caFile) trustCaFile(config.caFile);
  const log = logger ?? consoleLogger(config.logLevel, 'authenticator');
  const discovery = new Discovery(config.issuer, { discoveryUrl: config.discoveryUrl, timeoutMs: config.httpTimeoutMs });
  const { flaw } = config;
  const validator = new TokenValidator({
    policy: {
      issuer: config.issuer,
      audiences: [config.clientId],
      trustedAudiences: config.trustedAudiences,
      allowUntrustedAudiences: false,
      algorithms: config.allowedAlgs,
      clockSkewSeconds: config.clockSkewSeconds,
      forbiddenTypes: ['at+jwt'],
      maxLength: 16_384,
      now: config.now,
    },
    steps: ID_TOKEN_STEPS,
    discovery,
    jwks: { maxAgeSeconds: config.jwksMaxAgeSeconds, refetchCooldownSeconds: config.jwksRefetchCooldownSeconds },
    timeoutMs: config.httpTimeoutMs,
    flaw,
  });
  const deps: StsLoginDeps = {
    client: {
      discovery,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authMethod: config.tokenEndpointAuthMethod ?? (config.clientSecret ? 'client_secret_basic' : 'none'),
      timeoutMs: config.httpTimeoutMs,
    },
    validator,
    pkce: config.pkce,
    redirectUris: config.redirectUris,
    claimMapping: config.claimMapping,
    replayCache: new Map(),
  };
  const steps = stsLoginSteps(flaw);

  const mapFailures = async (ctx: Context, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      const mapped = failureToHttp(error);
      if (mapped instanceof HttpError && mapped.status === 401) log.debug(`${ctx.path}: refused: ${mapped.message}`);
      if (error instanceof UpstreamError) log.warn(`${ctx.path}: ${error.message}`);
      throw mapped;
    }
  };

  const router = new Router();
  for (const prefix of AUTHENTICATOR_ROUTE_PREFIXES) {
    router.post(`${prefix}/sts/login`, (ctx) => mapFailures(ctx, () => runStsLogin(ctx, steps, deps)));
    router.post(`${prefix}/auth/external/principal/login`, (ctx) => mapFailures(ctx, () => principalLogin(ctx, validator)));
    router.get(`${prefix}/healthcheck`, (ctx) => {
      ctx.status = 204;
    });
  }

  const app = new Koa() as AuthenticatorApp;
  app.silent = true;
  app.use(errorBoundary(renderJsonMessage, log));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', jsonStrict: true, onError: bodyParserError }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  Object.assign(app, { validator, config });
  return app;
}

export async function startAuthenticator(options: AuthenticatorOptions): Promise<RunningComponent> {
  const app = createAuthenticatorApp(options);
  const { config } = app;
  const running = await listen(app.callback(), config, 'authenticator');
  const log = consoleLogger(config.logLevel, 'authenticator');
  log.info(`authenticator listening on ${running.url} (lakeFS endpoint: ${running.url}/api/v1), issuer ${config.issuer}, client ${config.clientId}`);
  if (config.flaw) log.warn(`FLAWED VARIANT "${config.flaw}": for conformance tests only`);
  return running;
}
