import type Router from '@koa/router';
import type { Context } from 'koa';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import type { TenantOperations } from '../tenant/operations.ts';
import type { Tenant } from '../tenant/tenant.ts';

/** Users and clients: the same five routes each, under /tenants/{t}/<plural>. */
export interface EntityKind<T> {
  plural: string;
  /** Singular, for messages: "no user ...". */
  label: string;
  entities(tenant: Tenant): ReadonlyMap<string, T>;
  view(id: string, entity: T): unknown;
  put(operations: TenantOperations, id: string, body: unknown): T;
  patch(operations: TenantOperations, id: string, patch: Record<string, unknown>): T;
  remove(operations: TenantOperations, id: string): void;
}

export function entityRoutes<T>(router: Router, kind: EntityKind<T>, of: (ctx: Context) => { tenant: Tenant; operations: TenantOperations }): void {
  const base = `/tenants/:tenant/${kind.plural}`;
  const idOf = (ctx: Context) => String(ctx.params['id']);
  router.get(base, (ctx) => {
    ctx.body = [...kind.entities(of(ctx).tenant)].map(([id, entity]) => kind.view(id, entity));
  });
  router.get(`${base}/:id`, (ctx) => {
    const id = idOf(ctx);
    const entity = kind.entities(of(ctx).tenant).get(id);
    if (entity === undefined) throw new NotFoundError(`no ${kind.label} "${id}"`);
    ctx.body = kind.view(id, entity);
  });
  router.put(`${base}/:id`, (ctx) => {
    const id = idOf(ctx);
    const { tenant, operations } = of(ctx);
    const existed = kind.entities(tenant).has(id);
    ctx.body = kind.view(id, kind.put(operations, id, ctx.request.body));
    ctx.status = existed ? 200 : 201;
  });
  router.patch(`${base}/:id`, (ctx) => {
    const id = idOf(ctx);
    ctx.body = kind.view(id, kind.patch(of(ctx).operations, id, objectBody(ctx)));
  });
  router.delete(`${base}/:id`, (ctx) => {
    kind.remove(of(ctx).operations, idOf(ctx));
    ctx.status = 204;
  });
}

function objectBody(ctx: Context): Record<string, unknown> {
  const value = ctx.request.body;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidInputError('the request body must be a JSON object');
  return value as Record<string, unknown>;
}
