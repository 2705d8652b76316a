import { Readable } from 'node:stream';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Journal } from '../journal/journal.ts';
import { HttpError } from '../server/http-error.ts';
import { TenantOperations } from '../tenant/operations.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { crossSiteGuard } from './cross-site-guard.ts';
import { entityRoutes } from './entity-routes.ts';
import { bearerGuard } from './guard.ts';
import { advanceSchema, clockSchema, journalQuerySchema, newTenantSchema, parseRequest, revokeSchema, rotateSchema } from './schemas.ts';
import { clientView, tenantSummary, userView } from './views.ts';

/*
 * The admin API under /_admin (README, "Admin API"): tenants, users, clients, keys, clock, fault rules, minted
 * tokens, grants and sessions, and the journal. Its refusals are the domain's errors (errors.ts), which the
 * server's error boundary answers with their status in one place.
 */

/** What the admin API needs from the server. */
export interface AdminServer {
  readonly journal: Journal;
  tenant(name: string): Tenant | undefined;
  tenantNames(): string[];
  addTenant(name: string, config: unknown): Promise<Tenant>;
  removeTenant(name: string): void;
  resetAll(): Promise<void>;
}

export function adminRouter(server: AdminServer, options: { token: string | undefined }): Middleware {
  const router = new Router({ prefix: '/_admin' });
  router.use(bearerGuard(options.token));
  router.use(crossSiteGuard());
  router.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: '1mb',
      onError: () => {
        throw new HttpError(400, 'invalid_request', 'the request body is not valid JSON');
      },
    }),
  );

  const tenantOf = (ctx: Context): Tenant => {
    const name = String(ctx.params['tenant']);
    const tenant = server.tenant(name);
    if (!tenant) throw new NotFoundError(`no tenant "${name}"; tenants: ${server.tenantNames().join(', ') || '(none)'}`);
    return tenant;
  };
  const operationsOf = (ctx: Context) => {
    const tenant = tenantOf(ctx);
    return { tenant, operations: new TenantOperations(tenant) };
  };
  const body = (ctx: Context): unknown => ctx.request.body;

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok', tenants: server.tenantNames() };
  });

  router.post('/reset', async (ctx) => {
    await server.resetAll();
    server.journal.clear();
    ctx.body = { reset: true, tenants: server.tenantNames() };
  });

  // Tenants
  router.get('/tenants', (ctx) => {
    ctx.body = server.tenantNames().map((name) => tenantSummary(server.tenant(name)!));
  });
  router.post('/tenants', async (ctx) => {
    const { name, config } = parseRequest(newTenantSchema, body(ctx), 'new tenant');
    if (server.tenant(name)) throw new ConflictError(`tenant "${name}" already exists: delete it first or choose another name`);
    const tenant = await server.addTenant(name, config);
    ctx.status = 201;
    ctx.body = tenantSummary(tenant);
  });
  router.get('/tenants/:tenant', (ctx) => {
    const tenant = tenantOf(ctx);
    ctx.body = { ...tenantSummary(tenant), keys: tenant.keys.summaries(), clock: tenant.clock.state() };
  });
  router.delete('/tenants/:tenant', (ctx) => {
    server.removeTenant(tenantOf(ctx).name);
    ctx.status = 204;
  });
  router.post('/tenants/:tenant/reset', (ctx) => {
    const tenant = tenantOf(ctx);
    tenant.reset();
    server.journal.clear(tenant.name);
    ctx.body = tenantSummary(tenant);
  });

  entityRoutes(
    router,
    {
      plural: 'users',
      label: 'user',
      entities: (tenant) => tenant.users,
      view: userView,
      put: (operations, username, input) => operations.putUser(username, input),
      patch: (operations, username, patch) => operations.patchUser(username, patch),
      remove: (operations, username) => operations.deleteUser(username),
    },
    operationsOf,
  );
  entityRoutes(
    router,
    {
      plural: 'clients',
      label: 'client',
      entities: (tenant) => tenant.clients,
      view: clientView,
      put: (operations, clientId, input) => operations.putClient(clientId, input),
      patch: (operations, clientId, patch) => operations.patchClient(clientId, patch),
      remove: (operations, clientId) => operations.deleteClient(clientId),
    },
    operationsOf,
  );

  // Keys
  router.get('/tenants/:tenant/keys', (ctx) => {
    ctx.body = tenantOf(ctx).keys.summaries();
  });
  router.post('/tenants/:tenant/keys/rotate', async (ctx) => {
    const { alg, graceSeconds } = parseRequest(rotateSchema, body(ctx), 'key rotation');
    const { tenant, operations } = operationsOf(ctx);
    ctx.body = { ...(await operations.rotateKey(alg, graceSeconds)), keys: tenant.keys.summaries() };
  });
  router.delete('/tenants/:tenant/keys/:kid', (ctx) => {
    const { tenant, operations } = operationsOf(ctx);
    operations.revokeKey(String(ctx.params['kid']));
    ctx.body = { keys: tenant.keys.summaries() };
  });

  // Clock (a change that would take it out of its range is refused before it applies)
  router.get('/tenants/:tenant/clock', (ctx) => {
    ctx.body = tenantOf(ctx).clock.state();
  });
  router.put('/tenants/:tenant/clock', (ctx) => {
    const change = parseRequest(clockSchema, body(ctx), 'clock');
    const tenant = tenantOf(ctx);
    tenant.clock.set(change);
    if (change.freeze) tenant.clock.freeze();
    ctx.body = tenant.clock.state();
  });
  router.post('/tenants/:tenant/clock/advance', (ctx) => {
    const { seconds } = parseRequest(advanceSchema, body(ctx), 'clock advance');
    const tenant = tenantOf(ctx);
    tenant.clock.advance(seconds);
    ctx.body = tenant.clock.state();
  });

  // Fault rules (docs/faults.md)
  router.get('/tenants/:tenant/faults', (ctx) => {
    ctx.body = tenantOf(ctx).faults.list();
  });
  router.post('/tenants/:tenant/faults', (ctx) => {
    ctx.status = 201;
    ctx.body = operationsOf(ctx).operations.addFault(body(ctx) ?? {});
  });
  router.delete('/tenants/:tenant/faults', (ctx) => {
    ctx.body = { removed: tenantOf(ctx).faults.clear() };
  });
  router.delete('/tenants/:tenant/faults/:id', (ctx) => {
    operationsOf(ctx).operations.removeFault(String(ctx.params['id']));
    ctx.status = 204;
  });

  // Tokens minted without a flow
  router.post('/tenants/:tenant/tokens', async (ctx) => {
    ctx.status = 201;
    ctx.body = await operationsOf(ctx).operations.mint(body(ctx) ?? {});
  });

  // Grants and sessions
  router.post('/tenants/:tenant/grants/revoke', (ctx) => {
    const filter = parseRequest(revokeSchema, body(ctx), 'grant revocation');
    ctx.body = { revoked: operationsOf(ctx).operations.revokeGrants(filter) };
  });
  router.post('/tenants/:tenant/sessions/revoke', (ctx) => {
    const filter = parseRequest(revokeSchema.pick({ user: true }), body(ctx), 'session revocation');
    ctx.body = { revoked: operationsOf(ctx).operations.revokeSessions(filter) };
  });

  // Journal
  router.get('/journal', (ctx) => {
    const query = parseRequest(journalQuerySchema, ctx.query, 'journal query');
    // Streamed, so that a large journal never has to fit in one string.
    ctx.type = 'json';
    ctx.body = Readable.from(
      server.journal.json({
        tenant: query.tenant,
        endpoint: query.endpoint,
        clientId: query.client_id,
        user: query.user,
        scenario: query.scenario,
        status: query.status,
        since: query.since,
        limit: query.limit,
      }),
    );
  });
  router.delete('/journal', (ctx) => {
    const tenant = typeof ctx.query['tenant'] === 'string' ? ctx.query['tenant'] : undefined;
    ctx.body = { cleared: server.journal.clear(tenant) };
  });

  const routes = router.routes() as unknown as Middleware;
  const allowed = router.allowedMethods({ throw: false }) as unknown as Middleware;
  return async function admin(ctx, next) {
    if (ctx.path !== '/_admin' && !ctx.path.startsWith('/_admin/')) return next();
    await routes(ctx, async () => undefined);
    await allowed(ctx, async () => undefined);
    if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
      // koa-router answers methods it knows nowhere (TRACE, PROPFIND) with 501; for a route that exists, that is a 405 too.
      const methods = [...new Set(router.match(ctx.path, ctx.method).path.flatMap((layer) => layer.methods))].filter((method) => method !== 'HEAD');
      if (methods.length > 0) {
        ctx.set('Allow', methods.join(', '));
        throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}; allowed: ${methods.join(', ')}`);
      }
      throw new HttpError(404, 'not_found', `no admin route ${ctx.method} ${ctx.path}; see the README's admin API section`);
    }
    if (ctx.status === 404 && ctx.body === undefined) {
      throw new HttpError(404, 'not_found', `no admin route ${ctx.method} ${ctx.path}; see the README's admin API section`);
    }
  };
}
