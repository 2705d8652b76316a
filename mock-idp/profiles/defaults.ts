import { tenantSchema, type TenantConfig } from '../config/schema.ts';
import { generateSigningKey } from '../keys/key-set.ts';
import { certificateFor } from './certificates.ts';
import { applyProfile } from './index.ts';
import type { ProfileContext } from './profile.ts';

/*
 * A profile's settings (keys, lifetimes, refresh rules) fill in what the tenant's configuration
 * leaves at the schema default; anything the configuration sets itself wins.
 */

const SCHEMA_DEFAULTS = tenantSchema.parse({});
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function profileDefaults(config: TenantConfig): TenantConfig {
  if (!config.profile) return config;
  const defaults = applyProfile(config.profile, { tenant: 'defaults', mount: 'http://defaults' }).tenantDefaults;
  const out: TenantConfig = { ...config };
  if (defaults.keys && same(config.keys, SCHEMA_DEFAULTS.keys)) out.keys = tenantSchema.shape.keys.parse(defaults.keys);
  if (defaults.defaultAlg && same(config.defaultAlg, SCHEMA_DEFAULTS.defaultAlg)) out.defaultAlg = defaults.defaultAlg;
  if (defaults.refreshTokens && same(config.refreshTokens, SCHEMA_DEFAULTS.refreshTokens))
    out.refreshTokens = tenantSchema.shape.refreshTokens.parse(defaults.refreshTokens);
  if (defaults.ttl) {
    const ttl = { ...config.ttl };
    for (const [key, value] of Object.entries(defaults.ttl)) {
      const name = key as keyof typeof ttl;
      if (value !== undefined && same(ttl[name], SCHEMA_DEFAULTS.ttl[name])) (ttl as Record<string, unknown>)[name] = value;
    }
    out.ttl = ttl;
  }
  return out;
}

/**
 * Profiles whose provider names keys by their certificate's thumbprint (Entra, AD FS: kid = x5t)
 * get their initial keys generated here, so that kid, the JWKS x5t and the v1 token header's x5t
 * are one value. Keys the configuration names (kid) or brings (jwk) are left alone.
 */
export async function profileKeys(config: TenantConfig, context: ProfileContext): Promise<TenantConfig> {
  if (!config.profile) return config;
  const certificates = applyProfile(config.profile, context).certificates;
  if (!certificates?.kidIsThumbprint) return config;
  const keys = await Promise.all(
    config.keys.map(async (spec) => {
      if (spec.kid || spec.jwk || !/^(RS|PS)/.test(spec.alg)) return spec;
      const { privateJwk } = await generateSigningKey(spec.alg);
      const { kid: _thumbprint, ...jwk } = privateJwk;
      const certificate = certificateFor(privateJwk, certificates.commonName);
      return certificate ? { ...spec, jwk, kid: certificate.x5t } : spec;
    }),
  );
  return { ...config, keys };
}
