import type { z } from 'zod';
import type { ClientInput } from '../../mock-idp/index.ts';
import type { StepOutcome } from '../assertions/outcome.ts';
import type { HttpRequestSpec, HttpResult } from '../runner/http.ts';
import type { ScenarioContext } from '../runner/context.ts';
import type { Declared } from '../runner/declared.ts';
import type { TargetName } from './names.ts';

/*
 * A target is an adapter to one kind of system under test: which IdP clients it is configured
 * with, how the embedded reference component is set up, and the operations a scenario can `call`.
 * One file per target, all with this shape, registered in ./index.ts.
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

/** How the in-process launcher builds the reference component for a target. */
export interface EmbeddedSpec {
  component: 'authenticator' | 'sts' | 'lakefs-sts' | 'bearer-api' | 'device-cli' | 'web-rp';
  options: Record<string, unknown>;
  /** A deliberate flaw of the reference component (--flaw), given to the part it belongs to. */
  flaw?: string | undefined;
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

export interface Operation<P = Record<string, unknown>> {
  summary: string;
  /**
   * The name a user's target declares it with (--target-option NAME.operations=a,b): the contract's
   * name of the operation. Default: the operation's own name with "_" as "-".
   */
  offer?: string;
  /** Parameters (after variables are resolved); defaults come from earlier steps, see docs. */
  params: z.ZodType<P>;
  run(ctx: ScenarioContext, target: TargetSession, params: P): Promise<StepOutcome>;
}

export interface TargetKind {
  name: TargetName;
  summary: string;
  /** A server (url/process launchers check readiness) or a command run per operation. */
  shape: 'server' | 'command';
  /** GET path that answers once the server is ready (any status below 500). */
  readinessPath?: string;
  /** Options of the embedded reference component (and of --target-option NAME.key=value). */
  optionsSchema: z.ZodType<Record<string, unknown>>;
  /**
   * Options a scenario can depend on (aws-sts flavour, bearer-api mode): an external target runs
   * such a scenario only when its user configured the same value (--target-option NAME.key=value).
   */
  matchOptions?: string[];
  /** The IdP clients the target is configured with, by role; "main" is the one logins use. */
  clients(options: Record<string, unknown>): Record<string, ClientSpec>;
  /** How a `login` step for this target behaves by default. */
  login: { redeem: boolean; stateCarriesVerifier: boolean };
  embedded(setup: TargetSetup): EmbeddedSpec;
  /** Client changes once the target's URL is known (a web app's redirect URI), by client role. */
  afterLaunch?(url: string | undefined, setup: TargetSetup): Record<string, Partial<ClientInput>>;
  /** Extra variables under ${target.*} (for example role_arn). */
  vars?(setup: TargetSetup): Record<string, unknown>;
  operations: Record<string, Operation<any>>;
}

/** A target for the duration of a scenario. */
export interface TargetSession {
  kind: TargetKind;
  /** The user's own target (started or reached through a launcher), not a reference component. */
  external: boolean;
  /** What the target offers and how it refetches keys (--target-option; the reference components: everything). */
  declared: Declared;
  connection: TargetConnection;
  setup: TargetSetup;
}
