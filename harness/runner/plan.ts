import type { LauncherName } from '../launchers/index.ts';
import type { Scenario } from '../scenario/model.ts';
import { TARGET_ALIASES, TARGET_NAMES, type TargetName } from '../targets/names.ts';
import { targetKind } from '../targets/index.ts';
import type { TargetKind } from '../targets/target.ts';
import type { ClientSpec, Declared, TargetConnection } from '../targets/session.ts';
import { parseTargetOptions, referenceDeclared, TargetOptionError } from './declared.ts';
import { SuiteError } from './suite-error.ts';

/*
 * How each target runs in this suite: embedded (a reference component per scenario) or external
 * (the user's own, configured with one issuer and one client). An external target runs most
 * scenarios on one long-lived instance (its URL, or the instance the runner starts for the run):
 * they share one tenant and run one after another. A target the runner starts (command, image)
 * also gets an instance of its own, on its own tenant, for a scenario that needs a fresh one.
 * The plans come from the run's --target, --target-client, --target-redirect-uri and --target-option
 * values (by target name or alias); without a target of the user's, every reference component runs.
 */

/** A target of the user's, as the command line names it. */
export interface ExternalTarget {
  /** A target name or an alias (sts = lakefs-sts + aws-sts). */
  name: string;
  url?: string;
  command?: string;
  image?: string;
}

/** What the plans are made from (the run's options about targets). */
export interface PlanOptions {
  targets?: ExternalTarget[];
  /** NAME or NAME.role -> client id and secret of the external target's IdP client. */
  targetClients?: Record<string, { id: string; secret?: string }>;
  /** NAME or NAME.role -> redirect URI the external target uses. */
  targetRedirectUris?: Record<string, string>;
  /** NAME -> options (aws-sts flavour, bearer-api mode...) of the external target. */
  targetOptions?: Record<string, Record<string, unknown>>;
}

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

/** Every target's plan: the user's targets (one per name; an alias names several), or else every reference component. */
export function buildPlans(options: PlanOptions): Map<TargetName, TargetPlan> {
  const plans = new Map<TargetName, TargetPlan>();
  for (const external of options.targets ?? []) {
    const launcherName: LauncherName = external.url ? 'url' : external.command ? 'process' : external.image ? 'container' : 'url';
    for (const name of resolveNames(external.name)) {
      const kind = targetKind(name)!;
      let parsed: ReturnType<typeof parseTargetOptions>;
      try {
        parsed = parseTargetOptions(kind, lookup(options.targetOptions, name) ?? {});
      } catch (error) {
        if (error instanceof TargetOptionError) throw new SuiteError(`--target-option: ${error.message}`);
        throw error;
      }
      plans.set(name, {
        kind,
        mode: 'external',
        launcher: launcherName,
        ...(external.url ? { url: external.url.replace(/\/$/, '') } : {}),
        ...(external.command ? { command: external.command } : {}),
        ...(external.image ? { image: external.image } : {}),
        options: parsed.options,
        declared: parsed.declared,
        clientOverrides: clientOverrides(options, name, Object.keys(kind.clients(parsed.options))),
      });
    }
  }
  const configured = new Set([...plans.keys()].flatMap((name) => [name, ...aliasesOf(name)]));
  const stray = Object.keys(options.targetOptions ?? {}).filter((name) => !configured.has(name));
  if (stray.length > 0) {
    throw new SuiteError(
      `--target-option for ${stray.join(', ')}: ${plans.size === 0 ? 'target options describe a target of yours, and no --target, --target-command or --target-image names one' : `no such target of yours in this run (yours: ${[...plans.keys()].join(', ')})`}`,
    );
  }
  if (plans.size === 0) {
    for (const name of TARGET_NAMES) {
      const kind = targetKind(name)!;
      plans.set(name, { kind, mode: 'embedded', launcher: 'in-process', options: {}, declared: referenceDeclared(kind), clientOverrides: {} });
    }
  }
  return plans;
}

function resolveNames(name: string): TargetName[] {
  if (name in TARGET_ALIASES) return TARGET_ALIASES[name]!;
  const known = TARGET_NAMES.find((candidate) => candidate === name);
  if (known) return [known];
  throw new SuiteError(
    `unknown target "${name}"; targets: ${TARGET_NAMES.join(', ')} (and ${Object.keys(TARGET_ALIASES).join(', ')} for ${Object.values(TARGET_ALIASES)
      .map((names) => names.join(' + '))
      .join(', ')})`,
  );
}

function aliasesOf(name: TargetName): string[] {
  return Object.entries(TARGET_ALIASES)
    .filter(([, members]) => members.includes(name))
    .map(([alias]) => alias);
}

/** A per-target flag value: NAME.role, NAME, or an alias of NAME (sts for lakefs-sts and aws-sts). */
function lookup<T>(table: Record<string, T> | undefined, name: TargetName, role?: string): T | undefined {
  if (!table) return undefined;
  for (const key of [name, ...aliasesOf(name)]) {
    const value = table[role ? `${key}.${role}` : key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** --target-client and --target-redirect-uri for each client role of a target ("main": NAME or NAME.main). */
function clientOverrides(options: PlanOptions, name: TargetName, roles: string[]): TargetPlan['clientOverrides'] {
  const overrides: TargetPlan['clientOverrides'] = {};
  for (const role of roles) {
    const client =
      role === 'main' ? (lookup(options.targetClients, name) ?? lookup(options.targetClients, name, role)) : lookup(options.targetClients, name, role);
    const redirectUri =
      role === 'main'
        ? (lookup(options.targetRedirectUris, name) ?? lookup(options.targetRedirectUris, name, role))
        : lookup(options.targetRedirectUris, name, role);
    if (client || redirectUri)
      overrides[role] = {
        ...(client ? { id: client.id, ...(client.secret !== undefined ? { secret: client.secret } : {}) } : {}),
        ...(redirectUri ? { redirectUri } : {}),
      };
  }
  return overrides;
}
