/*
 * The reference components: working systems under test for the harness, one per contract in
 * docs/components.md, each startable on its own port or usable in-process as a Koa app, and each
 * with deliberately flawed variants (FLAWS) that the conformance suite must catch. The option
 * schemas are exported so that callers (the CLI, docs generation) derive their flags and tables
 * from them.
 */
export { FLAWS, type FlawName, type ComponentName } from './flaws.ts';
export type { RunningComponent } from './server/listen.ts';
export type { Logger } from './server/logger.ts';
export { OptionsError } from './errors.ts';
export { createAuthenticatorApp, startAuthenticator } from './authenticator/app.ts';
export { authenticatorOptionsSchema, type AuthenticatorOptions } from './authenticator/options.ts';
export { createStsApp, startSts } from './sts/app.ts';
export { stsOptionsSchema, type StsOptions } from './sts/options.ts';
export { createBearerApiApp, startBearerApi } from './bearer-api/app.ts';
export { bearerApiOptionsSchema, type BearerApiOptions } from './bearer-api/options.ts';
export { authMapSchema, parseMapEntry } from './role-mapping/auth-map.ts';
export { runDeviceCli, DEVICE_CLI_USAGE, type DeviceCliIo } from './device-cli/cli.ts';
export { SESSION_FILE_MODE } from './device-cli/session-file.ts';
