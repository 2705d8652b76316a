import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminError, type JournalEntry, type MockIdp } from '../../mock-idp/index.ts';
import { redact } from '../assertions/format.ts';
import { launcher, LaunchError } from '../launchers/index.ts';
import type { Failure, FailureKind, JournalLine, ScenarioResult, StepReport } from '../report/result.ts';
import type { Scenario, ScenarioStep } from '../scenario/model.ts';
import { stepKind } from '../steps/index.ts';
import type { StepRun } from '../steps/step.ts';
import type { TargetName } from '../targets/names.ts';
import type { TargetConnection, TargetSession, TargetSetup } from '../targets/session.ts';
import { ScenarioContext, type ScenarioIdp } from './context.ts';
import { StepFailure } from './step-failure.ts';
import { addFaults, profileRefusal } from './idp-features.ts';
import type { KeySpecs, SuiteKeys } from './keys.ts';
import { embeddedOptions, planClients, type Placement, type TargetPlan } from './plan.ts';
import { runStepOnce } from './run-step.ts';
import { clientsOf, otherTenantConfig, tenantConfig } from './tenant-setup.ts';
import { Trace } from './trace.ts';
import { HarnessError } from '../errors.ts';

/*
 * One scenario from set-up to tear-down: its own IdP tenant (or the shared one of an external
 * target), its target, its steps in order (each within its time limit), and a result that says
 * which step failed, what was expected, what came instead, and what the IdP saw last.
 */

export interface SuiteEnv {
  idp: MockIdp;
  keys: SuiteKeys;
  /** Short random id of this run (tenant names, scenario tags). */
  runId: string;
  /** The tenant external targets are configured with. */
  sharedTenant: string;
  stepTimeoutMs: number;
  scenarioTimeoutMs: number;
  readyTimeoutMs: number;
  flaw: string | undefined;
  plans: Map<TargetName, TargetPlan>;
  nextTenantName(): string;
}

const TEARDOWN_MS = 3_000;

class Timeout extends HarnessError {}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function stepLabel(step: ScenarioStep): string {
  return step.name ?? stepKind(step.kind)?.label(step.args) ?? step.kind;
}

function journalLines(entries: JournalEntry[], tag: string): JournalLine[] {
  return entries.slice(-8).map((entry) => ({
    seq: entry.seq,
    at: entry.at,
    tenant: entry.tenant,
    by: entry.scenario === tag ? 'harness' : 'target',
    endpoint: entry.endpoint,
    method: entry.method,
    path: entry.path,
    status: entry.status,
    ...(entry.clientId ? { clientId: entry.clientId } : {}),
    ...(entry.grantType ? { grantType: entry.grantType } : {}),
    ...(entry.user ? { user: entry.user } : {}),
    ...(entry.error ? { error: entry.error } : {}),
  }));
}

function kindOf(error: unknown): FailureKind {
  if (error instanceof Timeout) return 'timeout';
  if (error instanceof LaunchError) return 'launch';
  if (error instanceof StepFailure) return error.reason === 'unsupported' ? 'unsupported' : error.reason === 'timeout' ? 'timeout' : 'error';
  return 'error';
}

function messageOf(error: unknown): string {
  if (error instanceof AdminError) return `the IdP admin API refused: ${error.message}`;
  return (error as Error)?.message ?? String(error);
}

/** What every result of a scenario says about it, run or not. */
export function scenarioHeader(scenario: Scenario) {
  return {
    id: scenario.id,
    name: scenario.name,
    file: scenario.file,
    line: scenario.line,
    tags: scenario.tags,
    ...(scenario.target ? { target: scenario.target.name } : {}),
  };
}

export async function runScenario(scenario: Scenario, env: SuiteEnv, placement: Placement = 'embedded'): Promise<ScenarioResult> {
  const started = performance.now();
  const journalAtStart = env.idp.journal.lastSeq;
  const trace = new Trace();
  const base = scenarioHeader(scenario);
  const steps: StepReport[] = scenario.steps.map((step) => ({
    index: step.index,
    kind: step.kind,
    label: stepLabel(step),
    ...(step.name ? { name: step.name } : {}),
    ...(step.line ? { line: step.line } : {}),
    status: 'not run',
    ms: 0,
  }));
  if (scenario.skip) return { ...base, status: 'skipped', skipReason: scenario.skip, skipKind: 'scenario', ms: 0, steps, trace: [] };

  const plan = scenario.target ? env.plans.get(scenario.target.name) : undefined;
  const shared = plan?.mode === 'external' && placement === 'shared';
  const own = plan?.mode === 'external' && placement === 'own';
  const tenant = shared ? env.sharedTenant : env.nextTenantName();
  const tag = `${env.runId}/${scenario.id}`;
  const controller = new AbortController();
  const admin = env.idp.admin;
  const tenants = [tenant];
  /** The target instance started for this scenario alone (reference component or the user's). */
  let embedded: TargetConnection | undefined;
  let workDir: string | undefined;
  let failure: Failure | undefined;
  let context: ScenarioContext | undefined;
  const journal = (since: number) => env.idp.journal.query({ since }).filter((entry) => tenants.includes(entry.tenant));
  let deadline = started + (scenario.timeoutMs ?? env.scenarioTimeoutMs);

  const fail = (kind: FailureKind, message: string, step?: ScenarioStep, mismatches?: Failure['mismatches']) => {
    failure = {
      kind,
      message,
      ...(step ? { step: { index: step.index, kind: step.kind, label: stepLabel(step), ...(step.line ? { line: step.line } : {}) } } : {}),
      ...(mismatches && mismatches.length > 0 ? { mismatches } : {}),
    };
  };

  try {
    // The IdP tenant (and other issuers), with the target's clients.
    const options = plan ? (plan.mode === 'external' ? plan.options : embeddedOptions(plan, scenario)) : {};
    const targetClients = plan ? planClients(plan, options) : {};
    const clients = clientsOf(scenario.idp, targetClients);
    const config = tenantConfig(scenario.idp, clients, await env.keys.forScenario(scenario.idp.keys as KeySpecs | undefined, shared));
    try {
      await withTimeout(
        (async () => {
          if (shared) await admin.removeTenant(tenant).catch(() => undefined);
          await admin.addTenant(tenant, config);
          for (const [alias, other] of Object.entries(scenario.idp.others ?? {})) {
            const name = `${tenant}-${alias}`;
            tenants.push(name);
            if (shared) await admin.removeTenant(name).catch(() => undefined);
            await admin.addTenant(name, otherTenantConfig(other, await env.keys.forOther(alias, other.keys as KeySpecs | undefined, shared)));
          }
          if (scenario.idp.faults?.length) await addFaults(admin, tenant, scenario.idp.faults);
        })(),
        Math.max(1, deadline - performance.now()),
        'setting up the IdP tenant took too long',
      );
    } catch (error) {
      const unsupported = profileRefusal(error, scenario.idp.profile);
      throw unsupported ?? (error instanceof AdminError ? new StepFailure(`the IdP refused the scenario's set-up (idp:): ${error.message}`) : error);
    }

    // The target.
    let target: TargetSession | undefined;
    if (plan && scenario.target) {
      if (plan.kind.shape === 'command') workDir = await mkdtemp(join(tmpdir(), 'mockidp-target-'));
      // An https IdP's CA goes to targets the runner starts ({ca_file}, MOCKIDP_CA_FILE, ...), instances of their own included.
      const ca = env.idp.ca ? { path: env.idp.ca.path, bundlePath: env.idp.ca.bundlePath } : undefined;
      const setup: TargetSetup = {
        issuer: env.idp.issuer(tenant),
        tenant,
        clients: targetClients,
        options,
        flaw: plan.mode === 'external' ? undefined : env.flaw,
        workDir: workDir ?? tmpdir(),
        ca,
      };
      let connection: TargetConnection;
      try {
        if (shared) {
          connection = await withTimeout(plan.connection!, env.readyTimeoutMs + 1_000, `the ${plan.kind.name} did not start in time`);
        } else if (own) {
          const request = {
            kind: plan.kind,
            setup,
            ...(plan.command ? { command: plan.command } : {}),
            ...(plan.image ? { image: plan.image } : {}),
            readyTimeoutMs: env.readyTimeoutMs,
          };
          const launching = launcher(plan.launcher).launch(request);
          embedded = await withTimeout(launching, env.readyTimeoutMs + 1_000, `the ${plan.kind.name} did not start in time`).catch((error: unknown) => {
            // An instance that comes up after all is still stopped.
            void launching.then(
              (late) => late.close(),
              () => undefined,
            );
            throw error;
          });
          connection = embedded;
        } else {
          embedded = await withTimeout(
            launcher('in-process').launch({ kind: plan.kind, setup, embedded: plan.kind.embedded(setup), readyTimeoutMs: env.readyTimeoutMs }),
            env.readyTimeoutMs,
            `the embedded ${plan.kind.name} did not start in time`,
          );
          connection = embedded;
        }
      } catch (error) {
        throw error instanceof LaunchError || error instanceof Timeout ? new LaunchError(`target ${plan.kind.name} did not start: ${messageOf(error)}`) : error;
      }
      const patches = plan.kind.afterLaunch?.(connection.url, setup) ?? {};
      for (const [role, patch] of Object.entries(patches)) {
        const client = setup.clients[role];
        if (client) {
          await admin.clients.patch(tenant, client.id, patch);
          clients[client.id] = client;
        }
      }
      target = { kind: plan.kind, external: plan.mode === 'external', connection, setup, declared: plan.declared };
    }

    const idp: ScenarioIdp = {
      url: env.idp.url,
      admin,
      tenant,
      issuer: env.idp.issuer(tenant),
      others: Object.fromEntries(
        Object.keys(scenario.idp.others ?? {}).map((alias) => [alias, { tenant: `${tenant}-${alias}`, issuer: env.idp.issuer(`${tenant}-${alias}`) }]),
      ),
      journal,
      lastSeq: () => env.idp.journal.lastSeq,
      restart: (options) => env.idp.restart(options),
    };
    const vars: Record<string, unknown> = {
      scenario: { id: scenario.id, name: scenario.name },
      idp: { url: idp.url, issuer: idp.issuer, tenant, others: idp.others },
      ...(target && plan
        ? {
            target: {
              name: target.kind.name,
              url: target.connection.url,
              client: target.setup.clients['main'],
              clients: target.setup.clients,
              redirect_uri: target.setup.clients['main']?.redirectUri,
              ...plan.kind.vars?.(target.setup),
            },
          }
        : {}),
    };
    const ctx = new ScenarioContext({ scenario, idp, target, vars, trace, signal: controller.signal, tag, clients });
    context = ctx;

    for (const step of scenario.steps) {
      const report = steps[step.index]!;
      ctx.step = step.index;
      ctx.previousStepJournalStart = ctx.stepJournalStart;
      ctx.stepJournalStart = env.idp.journal.lastSeq;
      const stepStarted = performance.now();
      // A deliberate wait (a declared cool-down) is no part of the time the step or the scenario is given.
      const allowance = stepKind(step.kind)?.allowanceMs?.(ctx, step.args) ?? 0;
      deadline += allowance;
      const remaining = deadline - stepStarted;
      const limit = Math.min((step.timeoutMs ?? scenario.stepTimeoutMs ?? env.stepTimeoutMs) + allowance, remaining);
      if (limit <= 0) {
        fail('timeout', `the scenario ran out of time (${scenario.timeoutMs ?? env.scenarioTimeoutMs} ms) before step ${step.index + 1}`, step);
        break;
      }
      let run: StepRun;
      try {
        run = await withTimeout(
          runStepOnce(ctx, step),
          limit,
          limit === remaining
            ? `the scenario timed out (${scenario.timeoutMs ?? env.scenarioTimeoutMs} ms) during this step`
            : `the step timed out after ${limit} ms`,
        );
      } catch (error) {
        controller.abort();
        report.status = 'failed';
        report.ms = round(performance.now() - stepStarted);
        fail(kindOf(error), messageOf(error), step);
        break;
      }
      report.ms = round(performance.now() - stepStarted);
      if (run.error) {
        report.status = 'failed';
        fail(kindOf(run.error), messageOf(run.error), step);
        break;
      }
      if (run.mismatches.length > 0) {
        report.status = 'failed';
        const mismatches = run.mismatches.slice(0, 10).map((mismatch) => ({
          path: mismatch.path,
          message: mismatch.message,
          expected: redact(mismatch.expected, lastKey(mismatch.path)),
          actual: redact(mismatch.actual, lastKey(mismatch.path)),
        }));
        const first = mismatches[0]!;
        fail('assertion', `${first.path}: ${first.message}${mismatches.length > 1 ? ` (and ${mismatches.length - 1} more)` : ''}`, step, mismatches);
        break;
      }
      report.status = 'passed';
    }
  } catch (error) {
    fail(kindOf(error), messageOf(error));
  } finally {
    if (failure) failure.journal = journalLines(journal(context?.journalStart ?? journalAtStart), tag);
    controller.abort();
    await withTimeout(
      (async () => {
        await embedded?.close();
        if (!shared) for (const name of tenants) await admin.removeTenant(name).catch(() => undefined);
        if (workDir) await rm(workDir, { recursive: true, force: true });
      })(),
      TEARDOWN_MS,
      'tear-down took too long',
    ).catch(() => undefined);
  }
  const result: ScenarioResult = {
    ...base,
    ...(embedded || plan ? { targetDescription: embedded?.describe ?? plan?.url ?? plan?.command ?? plan?.image ?? plan?.kind.name } : {}),
    status: failure ? 'failed' : 'passed',
    ms: round(performance.now() - started),
    steps,
    trace: trace.events,
  };
  if (failure) result.failure = failure;
  return result;
}

function lastKey(path: string): string | undefined {
  return /([A-Za-z_][\w-]*)\]?$/.exec(path)?.[1];
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
