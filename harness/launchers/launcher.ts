import type { EmbeddedSpec, TargetKind } from '../targets/target.ts';
import type { TargetConnection, TargetSetup } from '../targets/session.ts';
import { HarnessError } from '../errors.ts';

/*
 * A launcher starts (or reaches) a target and hands over a connection: in-process (an exported
 * app driven with supertest), process (a command with env and a readiness check), url (already
 * running), container (later). One file each, same shape, registered in ./index.ts.
 */

export type LauncherName = 'in-process' | 'process' | 'url' | 'container';

export interface LaunchRequest {
  kind: TargetKind;
  setup: TargetSetup;
  /** in-process: which reference component to build. */
  embedded?: EmbeddedSpec;
  /** url: where the target runs; process: where it will listen, if known. */
  url?: string;
  /** process: the command line (placeholders {issuer} {client_id} {client_secret} {redirect_uri} {port} {tenant} {ca_file}). */
  command?: string;
  /** container: the image. */
  image?: string;
  env?: Record<string, string>;
  /** How long a target may take to become ready. */
  readyTimeoutMs: number;
}

export interface Launcher {
  name: LauncherName;
  summary: string;
  launch(request: LaunchRequest): Promise<TargetConnection>;
}

/** A target that could not be started or reached; the message says why and what to check. */
export class LaunchError extends HarnessError {
  constructor(message: string) {
    super(message);
  }
}
