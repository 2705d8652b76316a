import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { assumeRoleWithWebIdentity, type AssumeRoleDeps } from './assume-role.ts';
import { getCallerIdentity, type CallerIdentityDeps } from './caller-identity.ts';
import type { Flavour } from './flavours.ts';
import { readQueryParameters, type QueryParameters } from './query-request.ts';
import { StsError } from './sts-error.ts';
import { renderError } from './xml.ts';

/** The AWS query protocol at `/`: Action and Version pick the operation; errors are XML. */

const STS_VERSION = '2011-06-15';

export interface QueryApiDeps {
  flavour: Flavour;
  assumeRole: { steps: Parameters<typeof assumeRoleWithWebIdentity>[3]; deps: AssumeRoleDeps };
  callerIdentity: { steps: Parameters<typeof getCallerIdentity>[2]; deps: CallerIdentityDeps };
}

type Action = (ctx: Context, params: QueryParameters, requestId: string, deps: QueryApiDeps) => Promise<void>;

const assumeRole: Action = (ctx, params, requestId, deps) => assumeRoleWithWebIdentity(ctx, params, requestId, deps.assumeRole.steps, deps.assumeRole.deps);
const callerIdentity: Action = (ctx, _params, requestId, deps) => getCallerIdentity(ctx, requestId, deps.callerIdentity.steps, deps.callerIdentity.deps);

function actionsOf(flavour: Flavour): Record<string, Action> {
  // MinIO serves AssumeRoleWithClientGrants with the same handler (cmd/sts-handlers.go).
  return flavour.name === 'minio'
    ? { AssumeRoleWithWebIdentity: assumeRole, AssumeRoleWithClientGrants: assumeRole, GetCallerIdentity: callerIdentity }
    : { AssumeRoleWithWebIdentity: assumeRole, GetCallerIdentity: callerIdentity };
}

export async function queryApi(ctx: Context, deps: QueryApiDeps): Promise<void> {
  const { flavour } = deps;
  const requestId = randomUUID();
  ctx.set(flavour.requestIdHeader, requestId);
  try {
    const params = readQueryParameters(ctx, flavour);
    const name = params.get('Action');
    const action = name === undefined ? undefined : Object.hasOwn(actionsOf(flavour), name) ? actionsOf(flavour)[name] : undefined;
    if (!action) throw flavour.unknownAction(name);
    const version = params.get('Version');
    if (version === undefined || version === '') throw flavour.missing('Version');
    if (version !== STS_VERSION) throw flavour.wrongVersion(version);
    await action(ctx, params, requestId, deps);
  } catch (error) {
    if (!(error instanceof StsError)) throw error;
    renderError(ctx, flavour, error.status, error.code, error.message, requestId);
  }
}

/** Codes for errors raised outside an action (body too large, wrong method, crash). */
export function genericStsCode(status: number): string {
  if (status === 413) return 'RequestEntityTooLarge';
  if (status === 405) return 'MethodNotAllowed';
  if (status === 404) return 'NotFound';
  if (status >= 500) return 'InternalFailure';
  return 'MalformedQueryString';
}
