import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware, Next } from 'koa';
import { z } from 'zod';
import { MAX_SECONDS, SIGNING_ALGS, offsetSeconds } from '../config/schema.ts';
import { ClockRangeError } from '../clock/clock.ts';
import { HttpError } from '../server/http-error.ts';
import type { Journal } from '../journal/journal.ts';
import type { Tenant } from '../tenant/tenant.ts';
import { ConfigError, problemsFromZod } from '../config/errors.ts';
import { crossSiteGuard } from './cross-site-guard.ts';

/** What the admin API needs from the server. */
export interface AdminServer {
  readonly journal: Journal;
  tenant(name: string): Tenant | undefined;
  tenantNames(): string[];
  addTenant(name: string, config: unknown): Promise<Tenant>;
  removeTenant(name: string): void;
  resetAll(): Promise<void>;
}

export const rotateSchema = z.strictObject({
  alg: z.enum(SIGNING_ALGS).optional(),
  graceSeconds: z.number().int().nonnegative().max(MAX_SECONDS).optional(),
});
export const clockSchema = z.strictObject({
  offsetSeconds: offsetSeconds.optional(),
  frozenAt: z.iso.datetime({ offset: true }).nullable().optional(),
  freeze: z.boolean().optional(),
});
export const advanceSchema = z.strictObject({ seconds: offsetSeconds });
export const revokeSchema = z.strictObject({ user: z.string().min(1).optional(), client: z.string().min(1).optional() });
export const newTenantSchema = z.strictObject({ name: z.string().min(1), config: z.unknown().optional() });
export const journalQuerySchema = z.strictObject({
  tenant: z.string().optional(),
  endpoint: z.string().optional(),
  client_id: z.string().optional(),
  user: z.string().optional(),
  scenario: z.string().optional(),
  status: z.coerce.number().int().optional(),
  since: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().positive().optional(),
});

function input<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = problemsFromZod(result.error);
  throw new HttpError(400, 'invalid_request', `${what}: ${new ConfigError(problems).message.split('\n').slice(1).join('; ').trim()}`, {
    problems: problems.map(({ path, message }) => ({ path, message })),
  });
}

function bearerGuard(token: string | undefined): Middleware {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return async function adminAuth(ctx: Context, next: Next) {
    if (expected) {
      const given = Buffer.from(ctx.get('authorization'));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="mockidp-admin"');
        throw new HttpError(401, 'unauthorized', 'the admin API needs "Authorization: Bearer <admin token>" (server.adminToken or MOCKIDP_ADMIN_TOKEN)');
      }
    }
    await next();
  };
}

function tenantSummary(tenant: Tenant) {
  return {
    name: tenant.name,
    issuer: tenant.issuer,
    discovery: `${tenant.issuer}/.well-known/openid-configuration`,
    users: [...tenant.users.keys()],
    clients: [...tenant.clients.keys()],
  };
}

function userView(username: string, user: Tenant['users'] extends ReadonlyMap<string, infer U> ? U : never) {
  const { password: _password, ...rest } = user;
  return { username, ...rest, sub: user.sub ?? username };
}

function clientView(clientId: string, client: Tenant['clients'] extends ReadonlyMap<string, infer C> ? C : never) {
  const { secret, ...rest } = client;
  return { clientId, ...rest, hasSecret: secret !== undefined };
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
    if (!tenant) throw new HttpError(404, 'not_found', `no tenant "${name}"; tenants: ${server.tenantNames().join(', ') || '(none)'}`);
    return tenant;
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
    const { name, config } = input(newTenantSchema, body(ctx), 'new tenant');
    if (server.tenant(name)) throw new HttpError(409, 'conflict', `tenant "${name}" already exists: delete it first or choose another name`);
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

  // Users
  router.get('/tenants/:tenant/users', (ctx) => {
    ctx.body = [...tenantOf(ctx).users].map(([username, user]) => userView(username, user));
  });
  router.get('/tenants/:tenant/users/:username', (ctx) => {
    const username = String(ctx.params['username']);
    const user = tenantOf(ctx).users.get(username);
    if (!user) throw new HttpError(404, 'not_found', `no user "${username}"`);
    ctx.body = userView(username, user);
  });
  router.put('/tenants/:tenant/users/:username', (ctx) => {
    const username = String(ctx.params['username']);
    const tenant = tenantOf(ctx);
    const existed = tenant.users.has(username);
    ctx.body = userView(username, tenant.putUser(username, body(ctx) as never));
    ctx.status = existed ? 200 : 201;
  });
  router.patch('/tenants/:tenant/users/:username', (ctx) => {
    const username = String(ctx.params['username']);
    ctx.body = userView(username, tenantOf(ctx).patchUser(username, objectBody(ctx) as never));
  });
  router.delete('/tenants/:tenant/users/:username', (ctx) => {
    tenantOf(ctx).deleteUser(String(ctx.params['username']));
    ctx.status = 204;
  });

  // Clients
  router.get('/tenants/:tenant/clients', (ctx) => {
    ctx.body = [...tenantOf(ctx).clients].map(([clientId, client]) => clientView(clientId, client));
  });
  router.get('/tenants/:tenant/clients/:client', (ctx) => {
    const clientId = String(ctx.params['client']);
    const client = tenantOf(ctx).clients.get(clientId);
    if (!client) throw new HttpError(404, 'not_found', `no client "${clientId}"`);
    ctx.body = clientView(clientId, client);
  });
  router.put('/tenants/:tenant/clients/:client', (ctx) => {
    const clientId = String(ctx.params['client']);
    const tenant = tenantOf(ctx);
    const existed = tenant.clients.has(clientId);
    ctx.body = clientView(clientId, tenant.putClient(clientId, body(ctx) as never));
    ctx.status = existed ? 200 : 201;
  });
  router.patch('/tenants/:tenant/clients/:client', (ctx) => {
    const clientId = String(ctx.params['client']);
    ctx.body = clientView(clientId, tenantOf(ctx).patchClient(clientId, objectBody(ctx) as never));
  });
  router.delete('/tenants/:tenant/clients/:client', (ctx) => {
    tenantOf(ctx).deleteClient(String(ctx.params['client']));
    ctx.status = 204;
  });

  // Keys
  router.get('/tenants/:tenant/keys', (ctx) => {
    ctx.body = tenantOf(ctx).keys.summaries();
  });
  router.post('/tenants/:tenant/keys/rotate', async (ctx) => {
    const { alg, graceSeconds } = input(rotateSchema, body(ctx), 'key rotation');
    const tenant = tenantOf(ctx);
    ctx.body = { ...(await tenant.rotateKey(alg, graceSeconds)), keys: tenant.keys.summaries() };
  });
  router.delete('/tenants/:tenant/keys/:kid', (ctx) => {
    const tenant = tenantOf(ctx);
    tenant.revokeKey(String(ctx.params['kid']));
    ctx.body = { keys: tenant.keys.summaries() };
  });

  // Clock
  router.get('/tenants/:tenant/clock', (ctx) => {
    ctx.body = tenantOf(ctx).clock.state();
  });
  router.put('/tenants/:tenant/clock', (ctx) => {
    const change = input(clockSchema, body(ctx), 'clock');
    const tenant = tenantOf(ctx);
    clockChange(() => {
      tenant.clock.set(change);
      if (change.freeze) tenant.clock.freeze();
    });
    ctx.body = tenant.clock.state();
  });
  router.post('/tenants/:tenant/clock/advance', (ctx) => {
    const { seconds } = input(advanceSchema, body(ctx), 'clock advance');
    const tenant = tenantOf(ctx);
    clockChange(() => tenant.clock.advance(seconds));
    ctx.body = tenant.clock.state();
  });

  // Fault rules (docs/faults.md)
  router.get('/tenants/:tenant/faults', (ctx) => {
    ctx.body = tenantOf(ctx).faults.list();
  });
  router.post('/tenants/:tenant/faults', (ctx) => {
    ctx.status = 201;
    ctx.body = tenantOf(ctx).addFault(body(ctx) ?? {});
  });
  router.delete('/tenants/:tenant/faults', (ctx) => {
    ctx.body = { removed: tenantOf(ctx).faults.clear() };
  });
  router.delete('/tenants/:tenant/faults/:id', (ctx) => {
    tenantOf(ctx).removeFault(String(ctx.params['id']));
    ctx.status = 204;
  });

  // Tokens minted without a flow
  router.post('/tenants/:tenant/tokens', async (ctx) => {
    ctx.status = 201;
    ctx.body = await tenantOf(ctx).mint((body(ctx) ?? {}) as never);
  });

  // Grants and sessions
  router.post('/tenants/:tenant/grants/revoke', (ctx) => {
    const filter = input(revokeSchema, body(ctx), 'grant revocation');
    const tenant = tenantOf(ctx);
    requireKnownUser(tenant, filter.user);
    ctx.body = { revoked: tenant.revokeGrants(filter) };
  });
  router.post('/tenants/:tenant/sessions/revoke', (ctx) => {
    const filter = input(revokeSchema.pick({ user: true }), body(ctx), 'session revocation');
    const tenant = tenantOf(ctx);
    requireKnownUser(tenant, filter.user);
    ctx.body = { revoked: tenant.revokeSessions(filter) };
  });

  // Journal
  router.get('/journal', (ctx) => {
    const query = input(journalQuerySchema, ctx.query, 'journal query');
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

function objectBody(ctx: Context): Record<string, unknown> {
  const value = ctx.request.body;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HttpError(400, 'invalid_request', 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Runs a clock change; one that would take the clock out of its range is a 400 (and is not applied). */
function clockChange(change: () => void): void {
  try {
    change();
  } catch (error) {
    if (error instanceof ClockRangeError) throw new HttpError(400, 'invalid_request', `clock: ${error.message}`);
    throw error;
  }
}

function requireKnownUser(tenant: Tenant, username: string | undefined): void {
  if (username !== undefined && !tenant.users.has(username)) throw new HttpError(404, 'not_found', `no user "${username}" in tenant "${tenant.name}"`);
}
