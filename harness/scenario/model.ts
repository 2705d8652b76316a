import type { Expect } from '../assertions/expect.ts';
import type { TargetName } from '../targets/names.ts';
import type { IdpSetup } from './idp-setup.ts';

/** A scenario after loading: validated, with its steps split into kind and arguments. */
export interface Scenario {
  /** Stable id: the file path relative to the working directory, without extension (plus #n for the n-th document). */
  id: string;
  file: string;
  line: number;
  name: string;
  description: string | undefined;
  tags: string[];
  idp: IdpSetup;
  target: TargetRef | undefined;
  exclusive: boolean;
  timeoutMs: number | undefined;
  stepTimeoutMs: number | undefined;
  skip: string | undefined;
  steps: ScenarioStep[];
}

export interface TargetRef {
  name: TargetName;
  flavour: 'aws' | 'minio' | undefined;
  options: Record<string, unknown>;
}

export interface ScenarioStep {
  /** 0-based position in the scenario. */
  index: number;
  /** The step kind (login, call, ...). */
  kind: string;
  /** Arguments as written (templates not yet resolved). */
  args: unknown;
  name: string | undefined;
  as: string | undefined;
  expect: Expect | undefined;
  timeoutMs: number | undefined;
  line: number | undefined;
}
