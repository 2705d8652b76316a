import { AdminError, type AdminClient } from '../../mock-idp/index.ts';
import { StepFailure } from './step-failure.ts';

/*
 * IdP features reached through the admin API only (fault rules, provider profiles), so that they
 * work the same against an IdP in a container. When the IdP lacks one (an older image), a scenario
 * that needs it fails with a clear "not supported by this IdP" instead of running without it.
 */

export class UnsupportedFeature extends StepFailure {
  constructor(message: string) {
    super(message, 'unsupported');
  }
}

const enc = encodeURIComponent;

function missingRoute(error: unknown): boolean {
  return (
    error instanceof AdminError &&
    (error.status === 404 || error.status === 405) &&
    /no admin route|not_found/i.test(`${error.code} ${error.message}`) &&
    !/no tenant/i.test(error.message)
  );
}

/** Installs fault rules on a tenant: POST /_admin/tenants/{tenant}/faults, one rule per call. */
export async function addFaults(admin: AdminClient, tenant: string, rules: unknown[]): Promise<unknown[]> {
  const added: unknown[] = [];
  for (const rule of rules) {
    try {
      added.push(await admin.request('POST', `/tenants/${enc(tenant)}/faults`, rule));
    } catch (error) {
      if (missingRoute(error))
        throw new UnsupportedFeature(
          'fault injection is not supported by this IdP yet: its admin API has no /tenants/{tenant}/faults route (issue #6); this scenario cannot run without it',
        );
      if (error instanceof AdminError && error.status === 400)
        throw new StepFailure(`the IdP refused the fault rule ${JSON.stringify(rule)}: ${error.message}`);
      throw error;
    }
  }
  return added;
}

/** Removes a tenant's fault rules: DELETE /_admin/tenants/{tenant}/faults. */
export async function clearFaults(admin: AdminClient, tenant: string): Promise<unknown> {
  try {
    return await admin.request('DELETE', `/tenants/${enc(tenant)}/faults`);
  } catch (error) {
    if (missingRoute(error))
      throw new UnsupportedFeature('fault injection is not supported by this IdP yet: its admin API has no /tenants/{tenant}/faults route (issue #6)');
    throw error;
  }
}

/** Explains an addTenant refusal caused by a provider profile the IdP does not know yet. */
export function profileRefusal(error: unknown, option: string | { name: string } | undefined): UnsupportedFeature | undefined {
  if (option === undefined || !(error instanceof AdminError) || error.status !== 400) return undefined;
  const profile = typeof option === 'string' ? option : option.name;
  if (!/profile/i.test(error.message)) return undefined;
  return /unknown field|unrecognized/i.test(error.message)
    ? new UnsupportedFeature(
        `provider profiles are not supported by this IdP yet (idp.profile: ${profile}; issue #7): the tenant configuration has no "profile" field`,
      )
    : new UnsupportedFeature(`the IdP refused profile "${profile}": ${error.message}`);
}
