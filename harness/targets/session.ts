import type { ClientInput } from '../../mock-idp/index.ts';
import type { HttpRequestSpec, HttpResult } from '../runner/http.ts';
import type { TargetName } from './names.ts';

/*
 * A target as a running scenario sees it: the instance a launcher handed over, what it was configured
 * with, and what its user declared about it. The operations of a target kind, which run with the
 * scenario's context, are in ./target.ts; these types sit below that context.
 */

/** An IdP client a target uses: its id, secret and redirect URI, and how the IdP registers it. */
export interface ClientSpec {
  id: string;
  secret?: string | undefined;
  redirectUri?: string | undefined;
  config: ClientInput;
}

/** What a target instance is configured with. */
export interface TargetSetup {
  issuer: string;
  tenant: string;
  clients: Record<string, ClientSpec>;
  options: Record<string, unknown>;
  flaw: string | undefined;
  /** Where the target may keep files (the device CLI's session). */
  workDir: string;
  /** The CA of an https IdP (`run --idp-tls`): its PEM file, and a bundle of the public roots plus it. */
  ca?: { path: string; bundlePath: string } | undefined;
}

export interface CommandIo {
  /** Called with each chunk the command writes to stdout. */
  onStdout?(text: string): void;
  /** Called with each chunk the command writes to stderr (where some CLIs print the user code). */
  onStderr?(text: string): void;
  signal: AbortSignal;
  /**
   * The command waits (polling): in-process commands hand their waits to the runner, which moves the
   * IdP clock instead of sleeping. Absent for real processes, which sleep for real.
   */
  onWait?(ms: number): Promise<void>;
}

export interface CommandResult {
  exit: number;
  stdout: string;
  stderr: string;
}

/** A running target, as a launcher hands it over. */
export interface TargetConnection {
  /** Base URL the target listens on (for browsers, and for requests sent with fetch). */
  url: string | undefined;
  /** One request to the target: supertest for in-process apps, fetch otherwise. */
  request?(spec: HttpRequestSpec, signal: AbortSignal): Promise<HttpResult>;
  /** Runs the target command with these arguments (command targets such as device-cli). */
  run?(args: string[], io: CommandIo): Promise<CommandResult>;
  /** Launcher-specific details for reports (pid, command, url). */
  describe: string;
  /** After a failed request: why the target may be gone (a process that exited, with its last output). */
  diagnose?(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** What a user tells the runner about a target of theirs (./../runner/declared.ts parses it). */
export interface Declared {
  /** The operations (by offer name) the target offers. */
  operations: ReadonlySet<string>;
  jwksRefetchCooldownMs: number;
}

/** What steps need to know of a target's kind: its name, its shape and how logins for it go. */
export interface TargetTraits {
  name: TargetName;
  /** A server (url/process launchers check readiness) or a command run per operation. */
  shape: 'server' | 'command';
  /** How a `login` step for this target behaves by default. */
  login: { redeem: boolean; stateCarriesVerifier: boolean };
}

/** A target for the duration of a scenario. */
export interface TargetSession {
  kind: TargetTraits;
  /** The user's own target (started or reached through a launcher), not a reference component. */
  external: boolean;
  /** What the target offers and how it refetches keys (--target-option; the reference components: everything). */
  declared: Declared;
  connection: TargetConnection;
  setup: TargetSetup;
}
