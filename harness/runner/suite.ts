import { randomBytes } from 'node:crypto';
import { ConfigError, type MockIdp, startMockIdp, trustCa } from '../../mock-idp/index.ts';
import { componentOfFlaw, componentsOf, flawNames } from '../flaws/components.ts';
import { LaunchError, launcher } from '../launchers/index.ts';
import { type ScenarioResult, type SkipKind, type SuiteResult, summarize } from '../report/result.ts';
import { formatProblem, type ScenarioProblem } from '../scenario/errors.ts';
import { loadScenarios } from '../scenario/load.ts';
import type { Scenario } from '../scenario/model.ts';
import type { TargetName } from '../targets/names.ts';
import type { TargetConnection } from '../targets/session.ts';
import { SuiteKeys } from './keys.ts';
import { scenarioNeeds } from './needs.ts';
import { buildPlans, type Placement, type PlanOptions, planClients, type TargetPlan } from './plan.ts';
import { runScenario, scenarioHeader, type SuiteEnv } from './run-scenario.ts';
import { runPool } from './schedule.ts';
import { type SelectOptions, selectScenarios } from './select.ts';
import { SharedLane } from './shared-lane.ts';
import { SuiteError } from './suite-error.ts';
import { clientsOf, tenantConfig } from './tenant-setup.ts';

/*
 * A whole run: load the scenario files (bad ones become failed results, the rest still run),
 * decide how each target runs (./plan.ts), pick the scenarios (./select.ts), start the IdP, run
 * them (in parallel, each on its own tenant; one after another for an external target and for
 * exclusive scenarios), and return the results.
 */

export interface SuiteOptions extends PlanOptions, SelectOptions {
  paths: string[];
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
  bail?: boolean;
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

function skippedResult(scenario: Scenario, reason: string, kind: SkipKind): ScenarioResult {
  return {
    ...scenarioHeader(scenario),
    status: 'skipped',
    skipReason: reason,
    skipKind: kind,
    ms: 0,
    steps: [],
    trace: [],
  };
}

async function startIdp(options: SuiteOptions, external: boolean): Promise<MockIdp> {
  const port = options.idpPort ?? (external ? 9400 : 0);
  try {
    const tls = options.idpTls ? (options.idpTls === true ? {} : options.idpTls) : undefined;
    const idp = await startMockIdp({
      server: { host: options.idpHost ?? '127.0.0.1', port, logLevel: 'silent', journalLimit: 50_000, ...(tls ? { tls } : {}) },
      tenants: {},
    });
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
  const { run, skipped, placements } = selectScenarios(loaded.scenarios, plans, options);
  const placement = (scenario: Scenario): Placement => placements.get(scenario.id) ?? 'embedded';

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
    nextTenantName: () => {
      counter += 1;
      return `h${runId}-${counter}`;
    },
  };
  const targets: Record<string, string> = {};
  try {
    if (external)
      await startExternalTargets(
        env,
        plans,
        run.filter((scenario) => placement(scenario) === 'shared'),
      );
    for (const [name, plan] of plans) {
      if (run.some((scenario) => scenario.target?.name === name))
        targets[name] =
          plan.mode === 'external'
            ? `${plan.launcher}: ${plan.url ?? plan.command ?? plan.image}`
            : `reference component (in-process)${options.flaw && componentsOf(plan.kind).includes(componentOfFlaw(options.flaw)!) ? `, flaw ${options.flaw}` : ''}`;
    }
    const total = run.length + invalid.length + skipped.length;
    emit({ type: 'start', total, idpUrl: idp.url, ...(external ? { issuer: idp.issuer(env.sharedTenant) } : {}), targets });
    let done = 0;
    const finished = (result: ScenarioResult) => {
      done += 1;
      emit({ type: 'scenario-end', result, done, total });
      return result;
    };
    const early = [...invalid.map(finished), ...skipped.map(({ scenario, reason, kind }) => finished(skippedResult(scenario, reason, kind)))];
    let failed = invalid.length > 0;
    const stop = () => options.bail === true && failed;
    const work = async (scenario: Scenario) => {
      emit({ type: 'scenario-start', scenario });
      const result = await runScenario(scenario, env, placement(scenario));
      if (result.status === 'failed') failed = true;
      return finished(result);
    };
    const bailed = (scenario: Scenario) => finished(skippedResult(scenario, 'not run: --bail stopped the run after a failure', 'bail'));
    const primaryKids = (await env.keys.primary()).map((key) => key.kid!);
    const lane = sharedLane(env, plans, placement, primaryKids, work, bailed, stop, (message) => emit({ type: 'notice', message }));
    // The long-lived instance of an external target runs its scenarios one after another, meanwhile
    // the others (reference components, instances of their own) run in parallel; exclusive ones last, alone.
    const pooled = run.filter((scenario) => !scenario.exclusive && placement(scenario) !== 'shared');
    const shared = run.filter((scenario) => !scenario.exclusive && placement(scenario) === 'shared');
    const alone = run.filter((scenario) => scenario.exclusive);
    const [pooledResults, sharedResults] = await Promise.all([runPool(pooled, options.concurrency ?? 8, work, bailed, stop), lane.runAll(shared)]);
    const aloneResults = await lane.runAll(alone);
    const results = [...pooledResults, ...sharedResults, ...aloneResults];
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

/** Runs the scenarios of long-lived external instances around their JWKS refetch cool-downs (./shared-lane.ts); others just run. */
function sharedLane(
  env: SuiteEnv,
  plans: Map<TargetName, TargetPlan>,
  placement: (scenario: Scenario) => Placement,
  primaryKids: string[],
  work: (scenario: Scenario) => Promise<ScenarioResult>,
  bailed: (scenario: Scenario) => ScenarioResult,
  stop: () => boolean,
  notice: (message: string) => void,
): SharedLane<ScenarioResult> {
  const planOf = (scenario: Scenario) => (scenario.target ? plans.get(scenario.target.name) : undefined);
  const isShared = (scenario: Scenario) => placement(scenario) === 'shared';
  const lastFetch = () => {
    const fetches = env.idp.journal
      .query({ tenant: env.sharedTenant, endpoint: 'jwks' })
      .filter((entry) => entry.scenario === undefined || !entry.scenario.startsWith(`${env.runId}/`));
    const last = fetches[fetches.length - 1];
    return last ? Date.parse(last.at) : undefined;
  };
  return new SharedLane<ScenarioResult>({
    needs: scenarioNeeds,
    target: (scenario) => {
      const plan = planOf(scenario);
      return { name: plan?.kind.name ?? 'target', cooldownMs: isShared(scenario) ? (plan?.declared.jwksRefetchCooldownMs ?? 0) : 0 };
    },
    primaryKids,
    lastFetch,
    publishedKids: async () => (await env.idp.admin.keys.list(env.sharedTenant).catch(() => [])).map((key) => key.kid),
    now: () => Date.now(),
    async wait(ms, scenario, target) {
      notice(
        `waiting ${Math.ceil(ms / 1000)} s before "${scenario.name}": it needs the ${target.name} to fetch the IdP's keys, and its refetch cool-down (${target.cooldownMs / 1000} s, --target-option ${target.name}.jwksRefetchCooldown) has not passed since its last fetch`,
      );
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    run: work,
    skipped: bailed,
    shouldStop: stop,
  });
}

/** Creates the shared tenant external targets are configured with, then starts or reaches them. */
async function startExternalTargets(env: SuiteEnv, plans: Map<TargetName, TargetPlan>, run: Scenario[]): Promise<void> {
  const needed = [...plans.values()].filter((plan) => plan.mode === 'external' && run.some((scenario) => scenario.target?.name === plan.kind.name));
  const allClients = Object.assign(
    {},
    ...needed
      .map((plan) => planClients(plan, plan.options))
      .map((clients) => Object.fromEntries(Object.entries(clients).map(([role, client]) => [`${role}:${client.id}`, client]))),
  );
  const clients = clientsOf({ standardClients: true }, allClients);
  await env.idp.admin.addTenant(env.sharedTenant, tenantConfig({ standardClients: true }, clients, await env.keys.primary()));
  const started = new Map<string, Promise<TargetConnection>>();
  for (const plan of needed) {
    const key = `${plan.launcher}:${plan.url ?? plan.command ?? plan.image}`;
    const existing = plan.launcher === 'url' ? undefined : started.get(key);
    const ca = env.idp.ca ? { path: env.idp.ca.path, bundlePath: env.idp.ca.bundlePath } : undefined;
    const setup = {
      issuer: env.idp.issuer(env.sharedTenant),
      tenant: env.sharedTenant,
      clients: planClients(plan, plan.options),
      options: plan.options,
      flaw: undefined,
      workDir: '',
      ca,
    };
    plan.connection =
      existing ??
      launcher(plan.launcher).launch({
        kind: plan.kind,
        setup,
        ...(plan.url ? { url: plan.url } : {}),
        ...(plan.command ? { command: plan.command } : {}),
        ...(plan.image ? { image: plan.image } : {}),
        readyTimeoutMs: env.readyTimeoutMs,
      });
    plan.connection.catch(() => undefined);
    // A process serving several targets (sts = lakefs-sts + aws-sts) is started once.
    started.set(key, plan.connection);
  }
  await Promise.all(
    needed.map((plan) =>
      plan.connection!.catch((error: unknown) => {
        if (!(error instanceof LaunchError)) throw error;
      }),
    ),
  );
}
