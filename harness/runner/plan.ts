import type { LauncherName } from '../launchers/index.ts';
import type { Scenario } from '../scenario/model.ts';
import type { ClientSpec, TargetConnection, TargetKind } from '../targets/target.ts';
import type { Declared } from './declared.ts';

/*
 * How each target runs in this suite: embedded (a reference component per scenario) or external
 * (the user's own, configured with one issuer and one client). An external target runs most
 * scenarios on one long-lived instance (its URL, or the instance the runner starts for the run):
 * they share one tenant and run one after another. A target the runner starts (command, image)
 * also gets an instance of its own, on its own tenant, for a scenario that needs a fresh one.
 */

/** Where a scenario runs: a reference component of its own, the external target's long-lived instance, or an instance of its own. */
export type Placement = 'embedded' | 'shared' | 'own';

export interface TargetPlan {
  kind: TargetKind;
  mode: 'embedded' | 'external';
  launcher: LauncherName;
  url?: string;
  command?: string;
  /** container: the image and its arguments ("IMAGE [ARG...]"). */
  image?: string;
  /** --target-option values (external), parsed with the target's defaults. */
  options: Record<string, unknown>;
  /** What the target offers and how it refetches keys (the reference components: everything, 30 s). */
  declared: Declared;
  /** --target-client / --target-redirect-uri for the target's clients, by role. */
  clientOverrides: Record<string, { id?: string; secret?: string; redirectUri?: string }>;
  /** The external target, started or reached once. */
  connection?: Promise<TargetConnection>;
}

/** The target's clients with the user's overrides applied. */
export function planClients(plan: TargetPlan, options: Record<string, unknown>): Record<string, ClientSpec> {
  const clients = plan.kind.clients(options);
  for (const [role, override] of Object.entries(plan.clientOverrides)) {
    const client = clients[role];
    if (!client) continue;
    const secret = override.secret ?? client.secret;
    const redirectUri = override.redirectUri ?? client.redirectUri;
    clients[role] = {
      id: override.id ?? client.id,
      secret,
      redirectUri,
      config: { ...client.config, ...(secret ? { secret } : {}), ...(redirectUri && client.config.redirectUris ? { redirectUris: [redirectUri] } : {}) },
    };
  }
  return clients;
}

/** The options a scenario's embedded target gets: the target's defaults, the scenario's options, its flavour. */
export function embeddedOptions(plan: TargetPlan, scenario: Scenario): Record<string, unknown> {
  const ref = scenario.target;
  return plan.kind.optionsSchema.parse({ ...ref?.options, ...(ref?.flavour ? { flavour: ref.flavour } : {}) });
}

/** Why an external target cannot run a scenario written for another configuration, or undefined. */
export function mismatchedOption(plan: TargetPlan, scenario: Scenario): string | undefined {
  const ref = scenario.target;
  if (!ref) return undefined;
  const wanted: Record<string, unknown> = { ...ref.options, ...(ref.flavour ? { flavour: ref.flavour } : {}) };
  for (const key of plan.kind.matchOptions ?? []) {
    if (wanted[key] === undefined) continue;
    if (JSON.stringify(wanted[key]) !== JSON.stringify(plan.options[key])) {
      return `written for ${plan.kind.name} with ${key}=${JSON.stringify(wanted[key])}, and this ${plan.kind.name} is configured with ${key}=${JSON.stringify(plan.options[key])} (--target-option ${plan.kind.name}.${key}=...)`;
    }
  }
  return undefined;
}
