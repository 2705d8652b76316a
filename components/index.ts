/*
 * The reference components: working systems under test for the harness, one per contract in
 * docs/components.md, each startable on its own port or usable in-process as a Koa app, and each
 * with deliberately flawed variants (FLAWS) that the conformance suite must catch.
 */
export { FLAWS, flawsOf, checkFlaw, type FlawDescriptor, type FlawName, type FlawOf, type ComponentName } from './flaws.ts';
export type { RunningComponent } from './server/listen.ts';
export type { Logger, LogLevel } from './server/logger.ts';
export { OptionsError } from './server/options.ts';
export { createAuthenticatorApp, startAuthenticator, AUTHENTICATOR_ROUTE_PREFIXES, type AuthenticatorApp } from './authenticator/app.ts';
export { authenticatorOptionsSchema, type AuthenticatorOptions } from './authenticator/options.ts';
export { createStsApp, startSts, type StsApp } from './sts/app.ts';
export { stsOptionsSchema, roleSchema, type StsOptions } from './sts/options.ts';
export { createBearerApiApp, startBearerApi, type BearerApiApp } from './bearer-api/app.ts';
export { bearerApiOptionsSchema, type BearerApiOptions } from './bearer-api/options.ts';
export {
  authMapSchema,
  mapIdentity,
  tokenKind,
  parseMapEntry,
  MappingError,
  type AuthMapInput,
  type MappedIdentity,
  type RoleGrant,
} from './role-mapping/auth-map.ts';
export { runDeviceCli, DEVICE_CLI_USAGE, type DeviceCliIo } from './device-cli/cli.ts';
export { defaultSessionPath, readSession, SESSION_FILE_MODE, type Session } from './device-cli/session-file.ts';
