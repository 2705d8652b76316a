import type { CookieKeys } from '../server/cookie-keys.ts';
import { ClockRangeError } from '../clock/clock.ts';
import { parseInput } from '../config/parse-input.ts';
import { type Limits, limitsSchema, type TenantConfig, tenantSchema } from '../config/schema.ts';
import { InvalidInputError, LimitReachedError } from '../errors.ts';
import { KeySet, KeySpecError } from '../keys/key-set.ts';
import { profileDefaults, profileKeys } from '../profiles/defaults.ts';
import type { Logger } from '../server/logger.ts';
import { tenantPipeline } from './pipeline.ts';
import { buildProvider } from './provider-builder.ts';
import { Tenant } from './tenant.ts';

/** A tenant's configuration, checked; problems name `tenants.<name>.<field>`. */
export function parseTenantConfig(name: string, input: unknown): TenantConfig {
  return parseInput(tenantSchema, input ?? {}, ['tenants', name]);
}

/**
 * A tenant, ready to serve: its keys made (or taken from the key pool), its provider built, its pipeline set.
 * cookieKeys must be the keys of the Koa app the tenant is mounted in: oidc-provider sets some cookies
 * through the mounting app's context and reads them back through its own.
 */
export async function createTenant(
  name: string,
  baseUrl: string,
  config: TenantConfig,
  cookieKeys: CookieKeys,
  logger: Logger,
  limits: Limits = limitsSchema.parse({}),
): Promise<Tenant> {
  const counts: Array<[string, number, keyof Limits]> = [
    ['users', Object.keys(config.users).length, 'usersPerTenant'],
    ['clients', Object.keys(config.clients).length, 'clientsPerTenant'],
    ['fault rules', config.faults.length, 'faultRulesPerTenant'],
    ['keys', config.keys.length, 'keysPerTenant'],
  ];
  for (const [what, count, key] of counts) if (count > limits[key]) throw new LimitReachedError(key, limits[key], `tenant "${name}" has ${count} ${what}`);
  const mount = `${baseUrl}/${name}`;
  const withProfile = await profileKeys(profileDefaults(config), { tenant: name, mount });
  let keys: KeySet;
  try {
    keys = await KeySet.create(withProfile.keys);
  } catch (error) {
    if (!(error instanceof KeySpecError)) throw error;
    throw fieldError(`tenants.${name}.${error.path}`, error.message);
  }
  let tenant: Tenant;
  try {
    tenant = new Tenant({ name, mount, config: withProfile, keys, cookieKeys, logger, limits, build: buildProvider });
  } catch (error) {
    if (!(error instanceof ClockRangeError)) throw error;
    throw fieldError(`tenants.${name}.clock`, error.message);
  }
  tenant.middleware = tenantPipeline(tenant);
  return tenant;
}

function fieldError(path: string, message: string): InvalidInputError {
  return new InvalidInputError(`${path}: ${message}`, [{ path, message }]);
}
