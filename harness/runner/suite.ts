import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, startMockIdp, trustCa, type MockIdp } from '../../mock-idp/index.ts';
import { componentOfFlaw, EMBEDDED_COMPONENTS, flawNames } from '../launchers/in-process.ts';
import { launcher, LaunchError, type LauncherName } from '../launchers/index.ts';
import { summarize, type ScenarioResult, type SuiteResult } from '../report/result.ts';
import { findScenarioFiles } from '../scenario/discover.ts';
import { formatProblem, type ScenarioProblem } from '../scenario/errors.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/model.ts';
import { TARGET_ALIASES, TARGET_NAMES, type TargetName } from '../targets/names.ts';
import { targetKind } from '../targets/index.ts';
import type { TargetConnection } from '../targets/target.ts';
import { SuiteKeys } from './keys.ts';
import { mismatchedOption, planClients, type TargetPlan } from './plan.ts';
import { runScenario, type SuiteEnv } from './run-scenario.ts';
import { runPool } from './schedule.ts';
import { inShard, matchesGrep, matchesTags, type Shard } from './select.ts';
import { clientsOf, tenantConfig } from './tenant-setup.ts';

/*
 * A whole run: load the scenario files (bad ones become failed results, the rest still run),
 * decide how each target runs, pick the scenarios (target, grep, tags, shard, flaw), start the
 * IdP, run them (in parallel, each on its own tenant; one after another for an external target
 * and for exclusive scenarios), and return the results.
 */

export interface ExternalTarget {
  /** A target name or an alias (sts = lakefs-sts + aws-sts). */
  name: string;
  url?: string;
  command?: string;
  image?: string;
}

export interface SuiteOptions {
  paths: string[];
  targets?: ExternalTarget[];
  /** NAME or NAME.role -> client id and secret of the external target's IdP client. */
  targetClients?: Record<string, { id: string; secret?: string }>;
  /** NAME or NAME.role -> redirect URI the external target uses. */
  targetRedirectUris?: Record<string, string>;
  /** NAME -> options (aws-sts flavour, bearer-api mode...) of the external target. */
  targetOptions?: Record<string, Record<string, unknown>>;
  idpHost?: string;
  /** Port of the suite's IdP: default 9400 with an external target, else a free port. */
  idpPort?: number;
  /** Tenant (issuer path) external targets are configured with: default "default". */
  idpTenant?: string;
  /**
   * Serve the suite's IdP over https with a certificate of the local CA (`server.tls`; caDir as
   * there). The runner trusts the CA; targets it starts get it in their environment.
   */
  idpTls?: boolean | { caDir?: string };
  /** Scenarios running at once (default 8; external targets always one at a time). */
  concurrency?: number;
  shard?: Shard;
  grep?: string;
  tags?: string[];
  bail?: boolean;
  /** Run the embedded reference components with this deliberate flaw. */
  flaw?: string;
  stepTimeoutMs?: number;
  scenarioTimeoutMs?: number;
  readyTimeoutMs?: number;
  onEvent?: (event: SuiteEvent) => void;
}

export type SuiteEvent =
  | { type: 'start'; total: number; idpUrl: string; issuer?: string; targets: Record<string, string> }
  | { type: 'scenario-start'; scenario: Scenario }
  | { type: 'scenario-end'; result: ScenarioResult; done: number; total: number }
  | { type: 'notice'; message: string };

/** A run that cannot start at all (bad flags, port in use): the message says what to change. */
export class SuiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuiteError';
  }
}

export interface Loaded {
  scenarios: Scenario[];
  problems: ScenarioProblem[];
  files: number;
}

export async function loadScenarios(paths: string[]): Promise<Loaded> {
  // Each file's includes must stay inside the folder it was found under (or its own folder).
  const roots = new Map<string, string>();
  for (const path of paths) {
    const root = (await stat(path).catch(() => undefined))?.isDirectory() ? resolve(path) : dirname(resolve(path));
    for (const file of await findScenarioFiles([path])) if (!roots.has(file)) roots.set(file, root);
  }
  const files = [...roots.keys()].sort();
  const loaded = await Promise.all(files.map((file) => loadScenarioFile(file, roots.get(file))));
  return { scenarios: loaded.flatMap((file) => file.scenarios), problems: loaded.flatMap((file) => file.problems), files: files.length };
}

function resolveNames(name: string): TargetName[] {
  if (name in TARGET_ALIASES) return TARGET_ALIASES[name]!;
  if ((TARGET_NAMES as readonly string[]).includes(name)) return [name as TargetName];
  throw new SuiteError(`unknown target "${name}"; targets: ${TARGET_NAMES.join(', ')} (and ${Object.keys(TARGET_ALIASES).join(', ')} for ${Object.values(TARGET_ALIASES).map((names) => names.join(' + ')).join(', ')})`);
}

/** A per-target flag value: NAME.role, NAME, or an alias of NAME (sts for lakefs-sts and aws-sts). */
function lookup<T>(table: Record<string, T> | undefined, name: TargetName, role?: string): T | undefined {
  if (!table) return undefined;
  const names = [name, ...Object.entries(TARGET_ALIASES).filter(([, members]) => members.includes(name)).map(([alias]) => alias)];
  for (const key of names) {
    const value = table[role ? `${key}.${role}` : key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The reference components an embedded target is made of. */
function componentsOf(plan: TargetPlan): string[] {
  const spec = plan.kind.embedded({ issuer: 'http://127.0.0.1', tenant: '', clients: {}, options: plan.kind.optionsSchema.parse({}), flaw: undefined, workDir: '' });
  return EMBEDDED_COMPONENTS[spec.component];
}

export function buildPlans(options: SuiteOptions): Map<TargetName, TargetPlan> {
  const plans = new Map<TargetName, TargetPlan>();
  for (const external of options.targets ?? []) {
    const launcherName: LauncherName = external.url ? 'url' : external.command ? 'process' : external.image ? 'container' : 'url';
    for (const name of resolveNames(external.name)) {
      const kind = targetKind(name)!;
      let parsedOptions: Record<string, unknown>;
      try {
        parsedOptions = kind.optionsSchema.parse(lookup(options.targetOptions, name) ?? {});
      } catch (error) {
        throw new SuiteError(`--target-option for ${name}: ${(error as Error).message}`);
      }
      const roles = Object.keys(kind.clients(parsedOptions));
      const clientOverrides: TargetPlan['clientOverrides'] = {};
      for (const role of roles) {
        const client = role === 'main' ? (lookup(options.targetClients, name) ?? lookup(options.targetClients, name, role)) : lookup(options.targetClients, name, role);
        const redirectUri = role === 'main' ? (lookup(options.targetRedirectUris, name) ?? lookup(options.targetRedirectUris, name, role)) : lookup(options.targetRedirectUris, name, role);
        if (client || redirectUri) clientOverrides[role] = { ...(client ? { id: client.id, ...(client.secret !== undefined ? { secret: client.secret } : {}) } : {}), ...(redirectUri ? { redirectUri } : {}) };
      }
      plans.set(name, { kind, mode: 'external', launcher: launcherName, ...(external.url ? { url: external.url.replace(/\/$/, '') } : {}), ...(external.command ? { command: external.command } : {}), ...(external.image ? { image: external.image } : {}), options: parsedOptions, clientOverrides });
    }
  }
  if (plans.size === 0) {
    for (const name of TARGET_NAMES) plans.set(name, { kind: targetKind(name)!, mode: 'embedded', launcher: 'in-process', options: {}, clientOverrides: {} });
  }
  return plans;
}

interface Selected {
  run: Scenario[];
  skipped: Array<{ scenario: Scenario; reason: string }>;
}

/** Tags that say a scenario cannot judge a target started once for the whole run (docs/scenarios.md). */
export const EXTERNAL_SKIPS: ReadonlyArray<readonly [tag: string, reason: string]> = [
  ['fresh-target', 'it needs a target that has cached nothing yet (discovery, keys, refetch cool-downs), and yours serves the whole run'],
  ['in-process', 'it watches what only the embedded reference component exposes (its waits turned into IdP clock moves)'],
];

export function selectScenarios(scenarios: Scenario[], plans: Map<TargetName, TargetPlan>, options: SuiteOptions): Selected {
  const external = [...plans.values()].some((plan) => plan.mode === 'external');
  const flawComponent = options.flaw ? componentOfFlaw(options.flaw) : undefined;
  const picked = inShard(
    scenarios.filter((scenario) => matchesGrep(scenario, options.grep) && matchesTags(scenario, options.tags)),
    options.shard,
  );
  const run: Scenario[] = [];
  const skipped: Selected['skipped'] = [];
  for (const scenario of picked) {
    if (external) {
      const plan = scenario.target ? plans.get(scenario.target.name) : undefined;
      if (!plan) continue;
      const mismatch = mismatchedOption(plan, scenario);
      if (mismatch) {
        skipped.push({ scenario, reason: mismatch });
        continue;
      }
      const reserved = EXTERNAL_SKIPS.find(([tag]) => scenario.tags.includes(tag));
      if (reserved) {
        skipped.push({ scenario, reason: reserved[1] });
        continue;
      }
      if (scenario.idp.profile !== undefined) {
        const profile = typeof scenario.idp.profile === 'string' ? scenario.idp.profile : scenario.idp.profile.name;
        skipped.push({ scenario, reason: `it gives the IdP the shape of ${profile} (another issuer and endpoints), which a target configured once with one issuer cannot follow` });
        continue;
      }
    }
    if (flawComponent) {
      const plan = scenario.target ? plans.get(scenario.target.name) : undefined;
      if (!plan || !componentsOf(plan).includes(flawComponent)) continue;
    }
    run.push(scenario);
  }
  return { run, skipped };
}

function invalidResult(file: string, problems: ScenarioProblem[]): ScenarioResult {
  const first = problems[0]!;
  return {
    id: file.replace(/\.ya?ml$/i, ''),
    name: `${file} (invalid scenario file)`,
    file,
    line: first.line ?? 1,
    tags: [],
    status: 'failed',
    ms: 0,
    failure: { kind: 'invalid', message: problems.map(formatProblem).join('\n') },
    steps: [],
    trace: [],
  };
}

function skippedResult(scenario: Scenario, reason: string): ScenarioResult {
  return { id: scenario.id, name: scenario.name, file: scenario.file, line: scenario.line, tags: scenario.tags, ...(scenario.target ? { target: scenario.target.name } : {}), status: 'skipped', skipReason: reason, ms: 0, steps: [], trace: [] };
}

async function startIdp(options: SuiteOptions, external: boolean): Promise<MockIdp> {
  const port = options.idpPort ?? (external ? 9400 : 0);
  try {
    const tls = options.idpTls ? (options.idpTls === true ? {} : options.idpTls) : undefined;
    const idp = await startMockIdp({ server: { host: options.idpHost ?? '127.0.0.1', port, logLevel: 'silent', journalLimit: 50_000, ...(tls ? { tls } : {}) }, tenants: {} });
    // The runner's own requests (logins, calls to in-process targets that call the IdP) trust it too.
    if (idp.ca) trustCa(idp.ca.pem);
    return idp;
  } catch (error) {
    if (error instanceof ConfigError) throw new SuiteError(`cannot start the IdP: ${error.problems.map((problem) => problem.message).join('; ')} (--idp-port)`);
    throw error;
  }
}

export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const startedAt = new Date();
  const started = performance.now();
  const emit = options.onEvent ?? (() => undefined);
  if (options.flaw && !componentOfFlaw(options.flaw)) throw new SuiteError(`unknown flaw "${options.flaw}"; flaws: ${flawNames().join(', ')}`);
  const plans = buildPlans(options);
  const external = [...plans.values()].some((plan) => plan.mode === 'external');
  if (options.flaw && external) throw new SuiteError('--flaw applies to the embedded reference components; it cannot be combined with --target');
  const loaded = await loadScenarios(options.paths);
  const problemsByFile = new Map<string, ScenarioProblem[]>();
  for (const problem of loaded.problems) problemsByFile.set(problem.file, [...(problemsByFile.get(problem.file) ?? []), problem]);
  const invalid = !options.shard || options.shard.index === 1 ? [...problemsByFile].map(([file, problems]) => invalidResult(file, problems)) : [];
  const { run, skipped } = selectScenarios(loaded.scenarios, plans, options);

  const idp = await startIdp(options, external);
  const runId = randomBytes(3).toString('hex');
  let counter = 0;
  const env: SuiteEnv = {
    idp,
    keys: new SuiteKeys(),
    runId,
    sharedTenant: options.idpTenant ?? 'default',
    stepTimeoutMs: options.stepTimeoutMs ?? 10_000,
    scenarioTimeoutMs: options.scenarioTimeoutMs ?? 30_000,
    readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
    flaw: options.flaw,
    plans,
    nextTenantName: () => `h${runId}-${(counter += 1)}`,
  };
  const targets: Record<string, string> = {};
  try {
    if (external) await startExternalTargets(env, plans, run);
    for (const [name, plan] of plans) {
      if (run.some((scenario) => scenario.target?.name === name)) targets[name] = plan.mode === 'external' ? `${plan.launcher}: ${plan.url ?? plan.command ?? plan.image}` : `reference component (in-process)${options.flaw && componentsOf(plan).includes(componentOfFlaw(options.flaw)!) ? `, flaw ${options.flaw}` : ''}`;
    }
    const total = run.length + invalid.length + skipped.length;
    emit({ type: 'start', total, idpUrl: idp.url, ...(external ? { issuer: idp.issuer(env.sharedTenant) } : {}), targets });
    let done = 0;
    const finished = (result: ScenarioResult) => {
      done += 1;
      emit({ type: 'scenario-end', result, done, total });
      return result;
    };
    const early = [...invalid.map(finished), ...skipped.map(({ scenario, reason }) => finished(skippedResult(scenario, reason)))];
    let failed = invalid.length > 0;
    const stop = () => options.bail === true && failed;
    const work = async (scenario: Scenario) => {
      emit({ type: 'scenario-start', scenario });
      const result = await runScenario(scenario, env);
      if (result.status === 'failed') failed = true;
      return finished(result);
    };
    const bailed = (scenario: Scenario) => finished(skippedResult(scenario, 'not run: --bail stopped the run after a failure'));
    const parallel = run.filter((scenario) => !scenario.exclusive && !(scenario.target && plans.get(scenario.target.name)?.mode === 'external'));
    const alone = run.filter((scenario) => !parallel.includes(scenario));
    const results = [
      ...(await runPool(parallel, options.concurrency ?? 8, work, bailed, stop)),
      ...(await runPool(alone, 1, work, bailed, stop)),
    ];
    const byOrder = new Map(run.map((scenario, index) => [scenario.id, index]));
    const scenarios = [...early, ...results.sort((a, b) => (byOrder.get(a.id) ?? 0) - (byOrder.get(b.id) ?? 0))];
    return {
      version: 1,
      startedAt: startedAt.toISOString(),
      ms: Math.round(performance.now() - started),
      ...(options.shard ? { shard: options.shard } : {}),
      idp: { url: idp.url },
      targets,
      ...(options.flaw ? { flaw: options.flaw } : {}),
      scenarios,
      summary: summarize(scenarios),
    };
  } finally {
    await Promise.all(
      [...plans.values()].map(async (plan) => {
        const connection = await plan.connection?.catch(() => undefined);
        await connection?.close().catch(() => undefined);
      }),
    );
    await idp.close();
  }
}

/** Creates the shared tenant external targets are configured with, then starts or reaches them. */
async function startExternalTargets(env: SuiteEnv, plans: Map<TargetName, TargetPlan>, run: Scenario[]): Promise<void> {
  const needed = [...plans.values()].filter((plan) => plan.mode === 'external' && run.some((scenario) => scenario.target?.name === plan.kind.name));
  const allClients = Object.assign({}, ...needed.map((plan) => planClients(plan, plan.options)).map((clients) => Object.fromEntries(Object.entries(clients).map(([role, client]) => [`${role}:${client.id}`, client]))));
  const clients = clientsOf({ standardClients: true }, allClients);
  await env.idp.admin.addTenant(env.sharedTenant, tenantConfig({ standardClients: true }, clients, await env.keys.primary()));
  const started = new Map<string, Promise<TargetConnection>>();
  for (const plan of needed) {
    const key = `${plan.launcher}:${plan.url ?? plan.command ?? plan.image}`;
    const existing = plan.launcher === 'url' ? undefined : started.get(key);
    const ca = env.idp.ca ? { path: env.idp.ca.path, bundlePath: env.idp.ca.bundlePath } : undefined;
    const setup = { issuer: env.idp.issuer(env.sharedTenant), tenant: env.sharedTenant, clients: planClients(plan, plan.options), options: plan.options, flaw: undefined, workDir: '', ca };
    plan.connection =
      existing ??
      launcher(plan.launcher).launch({ kind: plan.kind, setup, ...(plan.url ? { url: plan.url } : {}), ...(plan.command ? { command: plan.command } : {}), ...(plan.image ? { image: plan.image } : {}), readyTimeoutMs: env.readyTimeoutMs });
    plan.connection.catch(() => undefined);
    // A process serving several targets (sts = lakefs-sts + aws-sts) is started once.
    started.set(key, plan.connection);
  }
  await Promise.all(needed.map((plan) => plan.connection!.catch((error: unknown) => {
    if (!(error instanceof LaunchError)) throw error;
  })));
}
