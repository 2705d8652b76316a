import type { z } from 'zod';
import type { WebRpOptions } from '../../fixtures/web-rp/app.ts';
import type { ClientInput } from '../../mock-idp/index.ts';
import type { StepOutcome } from '../assertions/outcome.ts';
import type { ScenarioContext } from '../runner/context.ts';
import type { ClientSpec, TargetSession, TargetSetup, TargetTraits } from './session.ts';

/*
 * A target is an adapter to one kind of system under test: which IdP clients it is configured
 * with, how the embedded reference component is set up, and the operations a scenario can `call`.
 * One file per target, all with this shape, registered in ./index.ts.
 */

/**
 * How the in-process launcher builds the reference component for a target: the components' options
 * are parsed with their schemas there; the fixture web app's are typed here.
 */
export type EmbeddedSpec = (
  | { component: 'authenticator' | 'sts' | 'lakefs-sts' | 'bearer-api' | 'device-cli'; options: Record<string, unknown> }
  | { component: 'web-rp'; options: Omit<WebRpOptions, 'baseUrl'> }
) & {
  /** A deliberate flaw of the reference component (--flaw), given to the part it belongs to. */
  flaw?: string | undefined;
};

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

export interface TargetKind extends TargetTraits {
  summary: string;
  /** GET path that answers once the server is ready (any status below 500). */
  readinessPath?: string;
  /** Options of the embedded reference component (and of --target-option NAME.key=value). */
  optionsSchema: z.ZodObject;
  /**
   * Options a scenario can depend on (aws-sts flavour, bearer-api mode): an external target runs
   * such a scenario only when its user configured the same value (--target-option NAME.key=value).
   */
  matchOptions?: string[];
  /** The IdP clients the target is configured with, by role; "main" is the one logins use. */
  clients(options: Record<string, unknown>): Record<string, ClientSpec>;
  embedded(setup: TargetSetup): EmbeddedSpec;
  /** Client changes once the target's URL is known (a web app's redirect URI), by client role. */
  afterLaunch?(url: string | undefined, setup: TargetSetup): Record<string, Partial<ClientInput>>;
  /** Extra variables under ${target.*} (for example role_arn). */
  vars?(setup: TargetSetup): Record<string, unknown>;
  operations: Record<string, Operation>;
}

/** An operation with its parameters' type taken from its schema. */
export function defineOperation<P>(operation: Operation<P>): Operation<P> {
  return operation;
}
