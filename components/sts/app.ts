import { randomBytes } from 'node:crypto';
import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { Discovery } from '../oidc/discovery.ts';
import { PRESENTED_TOKEN_STEPS } from '../oidc/token-checks.ts';
import { TokenValidator } from '../oidc/token-validator.ts';
import { bodyParserError, errorBoundary, renderJsonMessage } from '../server/error-boundary.ts';
import { listen, type RunningComponent } from '../server/listen.ts';
import { consoleLogger, type Logger } from '../server/logger.ts';
import { parseOptions } from '../server/options.ts';
import { assumeRoleSteps } from './assume-role.ts';
import { callerIdentitySteps } from './caller-identity.ts';
import { CredentialStore } from './credentials.ts';
import { flavourOf } from './flavours.ts';
import { lakefsLoginSteps, runLakefsLogin, type LakefsLoginDeps } from './lakefs-login.ts';
import { currentUser } from './lakefs-user.ts';
import { genericStsCode, queryApi, type QueryApiDeps } from './query-api.ts';
import { stsOptionsSchema, type StsConfig, type StsOptions } from './options.ts';
import { renderError } from './xml.ts';
import { trustCaFile } from '../server/trust.ts';

/*
 * The STS: lakeFS's public STS login (JSON under /api/v1) and the AWS query API at `/`
 * (AssumeRoleWithWebIdentity, GetCallerIdentity; XML), in one Koa app.
 */

export interface StsApp extends Koa {
  readonly config: StsConfig;
  /** The web identity token validator, when an issuer is configured. */
  readonly validator: TokenValidator | undefined;
}

const isJsonRoute = (path: string) => path.startsWith('/api/') || path === '/healthcheck';

export function createStsApp(options: StsOptions, logger?: Logger): StsApp {
  const config = parseOptions(stsOptionsSchema, options, 'sts');
  if (config.caFile) trustCaFile(config.caFile);
  const log = logger ?? consoleLogger(config.logLevel, 'sts');
  const flavour = flavourOf(config.flavour);
  const { flaw, now } = config;

  const validator =
    config.issuer === undefined
      ? undefined
      : new TokenValidator({
          policy: {
            issuer: config.issuer,
            audiences: config.clientIds,
            trustedAudiences: [],
            allowUntrustedAudiences: true,
            algorithms: config.allowedAlgs,
            clockSkewSeconds: config.clockSkewSeconds,
            forbiddenTypes: [],
            maxLength: 20_000,
            now,
          },
          steps: PRESENTED_TOKEN_STEPS,
          discovery: new Discovery(config.issuer, { discoveryUrl: config.discoveryUrl, timeoutMs: config.httpTimeoutMs }),
          jwks: { maxAgeSeconds: config.jwksMaxAgeSeconds, refetchCooldownSeconds: config.jwksRefetchCooldownSeconds },
          timeoutMs: config.httpTimeoutMs,
          flaw,
        });
  const store = new CredentialStore(now);
  const queryDeps: QueryApiDeps = {
    flavour,
    assumeRole: {
      steps: assumeRoleSteps(flaw),
      deps: { flavour, validator, roles: config.roles, roleMapping: config.roleMapping, accountId: config.accountId, store, now },
    },
    callerIdentity: { steps: callerIdentitySteps(flaw), deps: { store, now } },
  };
  const secret = new TextEncoder().encode(config.tokenSecret ?? randomBytes(32).toString('base64url'));
  const loginDeps: LakefsLoginDeps = {
    authenticatorUrl: config.authenticatorUrl,
    users: config.lakefsUsers,
    validateIdTokenClaims: config.validateIdTokenClaims,
    secret,
    now,
    timeoutMs: config.httpTimeoutMs,
  };
  const loginSteps = lakefsLoginSteps(flaw);

  const router = new Router();
  router.post('/api/v1/sts/login', (ctx) => runLakefsLogin(ctx, loginSteps, loginDeps));
  router.get('/api/v1/user', (ctx) => currentUser(ctx, secret, now));
  router.get('/healthcheck', (ctx) => {
    ctx.status = 204;
  });
  router.get('/', (ctx) => queryApi(ctx, queryDeps));
  router.post('/', (ctx) => queryApi(ctx, queryDeps));

  const render = (ctx: Context, status: number, message: string) => {
    if (isJsonRoute(ctx.path)) renderJsonMessage(ctx, status, message);
    else renderError(ctx, flavour, status, genericStsCode(status), message, ctx.response.get(flavour.requestIdHeader) || crypto.randomUUID());
  };

  const app = new Koa() as StsApp;
  app.silent = true;
  app.use(errorBoundary(render, log));
  app.use(bodyParser({ enableTypes: ['json', 'form'], jsonLimit: '64kb', formLimit: '64kb', jsonStrict: true, onError: bodyParserError }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  Object.assign(app, { config, validator });
  return app;
}

export async function startSts(options: StsOptions): Promise<RunningComponent> {
  const app = createStsApp(options);
  const { config } = app;
  const running = await listen(app.callback(), config, 'sts');
  const log = consoleLogger(config.logLevel, 'sts');
  log.info(`sts (${config.flavour}) listening on ${running.url}: AssumeRoleWithWebIdentity and GetCallerIdentity at /, lakeFS login at /api/v1/sts/login`);
  if (config.issuer) log.info(`  web identity tokens: issuer ${config.issuer}, audiences ${config.clientIds.join(', ')}`);
  if (config.authenticatorUrl) log.info(`  authentication API: ${config.authenticatorUrl}`);
  if (config.flaw) log.warn(`FLAWED VARIANT "${config.flaw}": for conformance tests only`);
  return running;
}
