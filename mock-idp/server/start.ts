import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { CookieKeys } from './cookie-keys.ts';
import Koa from 'koa';
import compose from 'koa-compose';
import { parseConfig } from '../config/load.ts';
import { defaultConfig } from '../config/defaults.ts';
import { tenantNameSchema, type MockIdpConfig, type MockIdpConfigInput } from '../config/schema.ts';
import { ConfigError } from '../config/errors.ts';
import { ConflictError, InvalidInputError, LimitReachedError } from '../errors.ts';
import { createTenant, parseTenantConfig } from '../tenant/create.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { Journal } from '../journal/journal.ts';
import { requestRecorder } from '../journal/record-request.ts';
import { webfinger } from './webfinger.ts';
import { adminRouter, type AdminServer } from '../admin/router.ts';
import { AdminClient } from '../admin/client.ts';
import { answerError, errorBoundary } from './error-boundary.ts';
import { dashboard } from '../ui/dashboard.ts';
import { frameGuard, guardFrames } from '../ui/frame-guard.ts';
import { HttpError } from './http-error.ts';
import { hostGuard } from './host-names.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { refillKeyPoolLater } from '../keys/key-pool.ts';
import type { CaFiles } from '../tls/server-tls.ts';

export interface MockIdp {
  /** Base URL, e.g. http://127.0.0.1:9400 (no trailing slash). */
  readonly url: string;
  /** Issuer of a tenant: `${url}/${tenant}`. */
  issuer(tenant?: string): string;
  tenants(): string[];
  readonly admin: AdminClient;
  readonly journal: Journal;
  readonly config: MockIdpConfig;
  readonly server: Server;
  /**
   * With `server.tls` from the local CA: the CA certificate clients must trust (PEM, its file, and
   * a bundle of the public roots plus it). Undefined over http or with a certificate of your own.
   */
  readonly ca: CaFiles | undefined;
  /** Names the local CA's certificate is for (127.0.0.1, ::1, localhost, the host, tls.names); empty otherwise. */
  readonly certificateNames: readonly string[];
  /**
   * Simulates a restart of the IdP process: the port closes (open connections are dropped, new
   * ones refused) for `downtimeMs`, then it opens again on the same address with every tenant's
   * storage emptied (sessions, grants, codes and tokens are lost) and, with `newKeys`, new signing keys.
   */
  restart(options?: { downtimeMs?: number; newKeys?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

function guardAdminExposure(config: MockIdpConfig, logger: Logger): void {
  const { host, adminToken, unsafeAdmin } = config.server;
  if (isLoopback(host) || adminToken) return;
  if (!unsafeAdmin) {
    throw new ConfigError([
      {
        path: 'server.host',
        message: `refusing to serve an unprotected admin API on ${host}: set server.adminToken (or MOCKIDP_ADMIN_TOKEN), bind 127.0.0.1, or pass --unsafe-admin (server.unsafeAdmin) to accept that anyone who can reach ${host} can change users, keys and clocks`,
      },
    ]);
  }
  logger.warn(`!!! the admin API on ${host} has no token: anyone who can reach this address can change users, keys and clocks !!!`);
}

/**
 * Starts the mock IdP. Programmatic callers that leave `server.port` unset get a free port
 * (port 0); the CLI defaults to 9400.
 */
export async function startMockIdp(input: MockIdpConfigInput | MockIdpConfig = defaultConfig, options: StartOptions = {}): Promise<MockIdp> {
  const withPort = { ...input, server: { port: 0, ...input.server } };
  const config = parseConfig(withPort, 'startMockIdp config');
  const logger = options.logger ?? consoleLogger(config.server.logLevel);
  guardAdminExposure(config, logger);
  // The certificate machinery (node-forge) loads only for a server that serves https.
  const tls = config.server.tls
    ? await (await import('../tls/server-tls.ts')).serverTls(config.server.tls, { host: config.server.host, baseUrl: config.server.baseUrl })
    : undefined;
  const scheme = tls ? 'https' : 'http';

  const tenants = new Map<string, Tenant>();
  const journal = new Journal({ limit: config.server.journalLimit, bytes: config.server.journalBytes });
  const app = new Koa();
  const cookieKeys = new CookieKeys();
  app.keys = cookieKeys;
  app.silent = true;
  app.on('error', (error: Error) => logger.debug(`koa: ${error.message}`));

  let baseUrl = '';
  const adminServer: AdminServer = {
    journal,
    tenant: (name) => tenants.get(name),
    tenantNames: () => [...tenants.keys()],
    async addTenant(name, tenantInput) {
      const nameCheck = tenantNameSchema.safeParse(name);
      if (!nameCheck.success) throw new InvalidInputError(`tenant name "${name}": ${nameCheck.error.issues[0]?.message}`);
      if (tenants.has(name)) throw new ConflictError(`tenant "${name}" already exists: delete it first or choose another name`);
      if (tenants.size >= config.server.limits.tenants)
        throw new LimitReachedError(
          'tenants',
          config.server.limits.tenants,
          `this server has ${tenants.size} tenants (DELETE /_admin/tenants/{t} removes one)`,
        );
      const tenant = await createTenant(name, baseUrl, parseTenantConfig(name, tenantInput), cookieKeys, logger, config.server.limits);
      tenant.journalOutgoing = (head, build, bytes) => journal.record(head, build, bytes);
      tenants.set(name, tenant);
      return tenant;
    },
    removeTenant(name) {
      tenants.get(name)?.close();
      tenants.delete(name);
    },
    async resetAll() {
      for (const [name, tenant] of tenants) {
        if (name in config.tenants) tenant.reset();
        else adminServer.removeTenant(name);
      }
    },
  };

  // A request for a tenant is journalled, answered with JSON when it fails and kept out of frames around the
  // tenant's own pipeline, in one layer; everything else (admin API, dashboard, WebFinger, health) goes through
  // the server's routes. Each request pays only for its own kind.
  let tenantHost = '';
  const recordRequest = requestRecorder(journal, { usernameOf: (name, sub) => tenants.get(name)?.userBySub(sub)?.username }, logger, {
    debug: config.server.logLevel === 'debug',
  });
  async function forTenant(ctx: Koa.Context, next: Koa.Next, tenant: Tenant): Promise<void> {
    const started = { at: Date.now(), clock: performance.now() };
    try {
      // oidc-provider builds endpoint URLs from the Host header; a tenant's stay under its issuer.
      ctx.req.headers.host = tenantHost;
      await tenant.middleware(ctx, next);
      guardFrames(ctx);
    } catch (error) {
      answerError(ctx, error, logger);
    } finally {
      recordRequest(ctx, tenant.name, started);
    }
  }
  const forServer = compose([
    errorBoundary(logger),
    frameGuard(),
    hostGuard(['/_admin', '/_ui'], { allowed: config.server.allowedHosts, host: config.server.host, baseUrl: () => baseUrl }),
    adminRouter(adminServer, { token: config.server.adminToken }),
    dashboard(),
    webfinger(
      {
        names: () => [...tenants.keys()],
        issuer: (name) => tenants.get(name)?.issuer,
        hasUser: (name, username) => tenants.get(name)?.users.has(username) ?? false,
      },
      (head, build, bytes) => journal.record(head, build, bytes),
    ),
    async function serverRoutes(ctx) {
      if (ctx.path === '/' || ctx.path === '') {
        ctx.body = {
          name: 'mockidp',
          tenants: [...tenants.values()].map((t) => ({ name: t.name, issuer: t.issuer, discovery: `${t.issuer}/.well-known/openid-configuration` })),
          admin: `${baseUrl}/_admin`,
        };
        return;
      }
      if (ctx.path === '/health') {
        ctx.body = { status: 'ok' };
        return;
      }
      const name = ctx.path.split('/', 2)[1] ?? '';
      throw new HttpError(
        404,
        'not_found',
        `no tenant "${name}" on this server; tenants: ${[...tenants.keys()].join(', ') || '(none)'}. Issuers look like ${baseUrl}/<tenant>`,
      );
    },
  ]);
  app.use(function route(ctx, next) {
    const path = ctx.path;
    const slash = path.indexOf('/', 1);
    const tenant = tenants.get(slash === -1 ? path.slice(1) : path.slice(1, slash));
    return tenant ? forTenant(ctx, next, tenant) : forServer(ctx, next);
  });

  const buildTenants = async () => {
    const built = await Promise.all(
      Object.entries(config.tenants).map(([name, tenantConfig]) =>
        createTenant(name, baseUrl, tenantConfig, cookieKeys, logger, config.server.limits).catch((error: unknown) => {
          // A configured tenant that cannot be built is a configuration error, named like one.
          if (error instanceof InvalidInputError)
            throw new ConfigError(error.problems.length > 0 ? error.problems : [{ path: `tenants.${name}`, message: error.message }]);
          if (error instanceof LimitReachedError) throw new ConfigError([{ path: `tenants.${name}`, message: error.message }]);
          throw error;
        }),
      ),
    );
    for (const tenant of built) {
      tenant.journalOutgoing = (head, build, bytes) => journal.record(head, build, bytes);
      tenants.set(tenant.name, tenant);
    }
  };
  // With a known address the tenants are ready before the port opens, so a readiness probe never
  // sees a half-started server; with port 0 the issuer is only known once the port is bound.
  const addressKnown = config.server.baseUrl !== undefined || config.server.port !== 0;
  if (addressKnown) {
    baseUrl = (config.server.baseUrl ?? `${scheme}://${hostForUrl(config.server.host)}:${config.server.port}`).replace(/\/$/, '');
    tenantHost = new URL(baseUrl).host;
    await buildTenants();
  }

  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, app.callback()) : createServer(app.callback());
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError([
              {
                path: 'server.port',
                message: `port ${config.server.port} on ${config.server.host} is already in use: stop the other process, choose another port (--port), or use 0 for a free one`,
              },
            ])
          : error,
      );
    });
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  if (!addressKnown) {
    const { port } = server.address() as AddressInfo;
    baseUrl = `${scheme}://${hostForUrl(config.server.host)}:${port}`;
    tenantHost = new URL(baseUrl).host;
    try {
      await buildTenants();
    } catch (error) {
      server.close();
      throw error;
    }
  }

  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.server.port === 0 ? Number(new URL(baseUrl).port) : config.server.port, config.server.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const dropConnections = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      for (const socket of sockets) socket.destroy();
    });

  // Serving now: make the RSA keys of the next start in the background (keys/key-pool.ts), once the first requests
  // (a readiness probe, discovery) are answered, as starting the key maker's process holds this thread for a few
  // milliseconds; at the latest when the IdP closes, so a short-lived IdP still leaves keys for the next start.
  const refill = refillKeyPoolLater(250);
  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    issuer: (tenant = 'default') => {
      const found = tenants.get(tenant);
      if (!found) throw new Error(`no tenant "${tenant}"; tenants: ${[...tenants.keys()].join(', ')}`);
      return found.issuer;
    },
    tenants: () => [...tenants.keys()],
    admin: new AdminClient(baseUrl, { token: config.server.adminToken }),
    journal,
    config,
    server,
    ca: tls?.ca,
    certificateNames: tls?.names ?? [],
    async restart({ downtimeMs = 0, newKeys = false } = {}) {
      if (closing) throw new Error('the IdP is closed');
      logger.info(`restarting: down for ${downtimeMs} ms${newKeys ? ', new signing keys' : ''}`);
      await dropConnections();
      await Promise.all([...tenants.values()].map((tenant) => tenant.restart({ newKeys })));
      if (downtimeMs > 0) await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      if (!closing) await listen();
    },
    close() {
      closing ??= (async () => {
        refill.now();
        for (const tenant of tenants.values()) tenant.close();
        if (server.listening) await dropConnections();
      })();
      return closing;
    },
  };
}
