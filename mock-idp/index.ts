export { startMockIdp, isLoopback, type MockIdp, type StartOptions } from './server/start.ts';
export { AdminClient, AdminError, type TenantSummary } from './admin/client.ts';
export { parseConfig, parseConfigText, loadConfigFile, resolveConfig, portFrom, type ResolveOptions } from './config/load.ts';
export { ConfigError, problemsFromZod, type ConfigProblem } from './config/errors.ts';
export { defaultConfig, defaultTenant } from './config/defaults.ts';
export {
  configSchema,
  tenantSchema,
  userSchema,
  clientSchema,
  serverSchema,
  type MockIdpConfig,
  type MockIdpConfigInput,
  type TenantConfig,
  type TenantInput,
  type UserConfig,
  type UserInput,
  type ClientConfig,
  type ClientInput,
  type SigningAlg,
} from './config/schema.ts';
export type { JournalEntry, JournalQuery } from './journal/journal.ts';
export type { EndpointName } from './provider/endpoints.ts';
export type { KeySummary } from './keys/key-set.ts';
export type { ClockState } from './clock/clock.ts';
export type { MintRequest } from './tenant/mint.ts';
export { defaultCaDir } from './tls/names.ts';
export { trustCa } from './tls/trust.ts';
export type { CaFiles } from './tls/server-tls.ts';
export { trustHints, formatTrustHints, type TrustHint } from './tls/trust-hints.ts';
export { consoleLogger, type Logger, type LogLevel } from './server/logger.ts';
export { faultRuleSchema, FAULT_ENDPOINTS, OAUTH_ERRORS, type FaultRule, type FaultRuleInput, type FaultAction } from './faults/schema.ts';
export type { FiredFault } from './journal/journal.ts';
export { profileSchema, PROFILE_NAMES, type ProfileInput, type ProfileOption } from './profiles/options.ts';
