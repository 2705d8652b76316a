import { maskUrl } from '../../common/mask.ts';
import type { AdminClient, JournalEntry } from '../../mock-idp/index.ts';
import { UserAgent } from '../actors/user-agent.ts';
import type { Scenario } from '../scenario/model.ts';
import type { ClientSpec, TargetSession } from '../targets/session.ts';
import { sendHttp, type HttpRequestSpec, type HttpResult } from './http.ts';
import { describeNetworkError } from './network-error.ts';
import { answeredExchange, browserExchange, type ExchangeFrame, failedExchange, journalExchange } from './recording.ts';
import { StepFailure } from './step-failure.ts';
import type { Actor, Trace, TraceExchange } from './trace.ts';

/*
 * Everything a step can use while a scenario runs: the scenario's IdP tenant and admin client, the
 * target, the variables, the browsers (cookie jars), and HTTP helpers that add each exchange to the
 * trace (./recording.ts says what of it). Requests the harness sends to the IdP carry the scenario tag
 * (x-mockidp-scenario), so the journal tells them apart from the target's own requests.
 */

export interface ScenarioIdp {
  /** Base URL of the IdP server. */
  url: string;
  admin: AdminClient;
  /** The scenario's tenant and issuer. */
  tenant: string;
  issuer: string;
  /** Other issuers of the scenario by alias (idp.others). */
  others: Record<string, { tenant: string; issuer: string }>;
  /** Journal entries of the scenario's tenants after a sequence number. */
  journal(since: number): JournalEntry[];
  /** Highest journal sequence number so far. */
  lastSeq(): number;
  /** Restarts the whole IdP (see MockIdp.restart); only scenarios that run alone may. */
  restart(options: { downtimeMs: number; newKeys: boolean }): Promise<void>;
}

export class ScenarioContext {
  readonly scenario: Scenario;
  readonly idp: ScenarioIdp;
  readonly target: TargetSession | undefined;
  readonly vars: Record<string, unknown>;
  readonly trace: Trace;
  readonly signal: AbortSignal;
  /** Tag sent to the IdP with every request of the harness (x-mockidp-scenario). */
  readonly tag: string;
  /** Clients of the scenario's tenant (scenario, standard and target clients) by client_id. */
  readonly clients: Record<string, ClientSpec>;
  /** Journal sequence number when the scenario started. */
  readonly journalStart: number;
  step = 0;
  /** Journal sequence number when the current step started. */
  stepJournalStart = 0;
  /** Journal sequence number when the previous step started (what `journal: {since: step}` looks at). */
  previousStepJournalStart = 0;
  #browsers = new Map<string, UserAgent>();
  #journalSeen: number;

  constructor(init: {
    scenario: Scenario;
    idp: ScenarioIdp;
    target: TargetSession | undefined;
    vars: Record<string, unknown>;
    trace: Trace;
    signal: AbortSignal;
    tag: string;
    clients: Record<string, ClientSpec>;
  }) {
    this.scenario = init.scenario;
    this.idp = init.idp;
    this.target = init.target;
    this.vars = init.vars;
    this.trace = init.trace;
    this.signal = init.signal;
    this.tag = init.tag;
    this.clients = init.clients;
    this.journalStart = init.idp.lastSeq();
    this.stepJournalStart = this.journalStart;
    this.previousStepJournalStart = this.journalStart;
    this.#journalSeen = this.journalStart;
  }

  /** Which actor a URL belongs to. */
  actorOf(url: string): Actor {
    if (url.startsWith(this.idp.url)) return 'idp';
    const targetUrl = this.target?.connection.url;
    if (targetUrl && url.startsWith(targetUrl)) return 'target';
    return 'browser';
  }

  /** A browser (cookie jar + manual redirects) that stays logged in across steps; "default" unless named. */
  browser(name = 'default'): UserAgent {
    let agent = this.#browsers.get(name);
    if (!agent) {
      agent = new UserAgent({
        headers: { 'x-mockidp-scenario': this.tag, 'user-agent': `mockidp-harness-browser/${name}` },
        signal: this.signal,
        observe: (request) => this.trace.add(browserExchange(this.step, this.actorOf(request.url), request, this.trace.elapsed())),
      });
      this.#browsers.set(name, agent);
    }
    return agent;
  }

  /** Forgets a browser's cookies (a new person, or a cleared session). */
  newBrowser(name = 'default'): UserAgent {
    this.#browsers.delete(name);
    return this.browser(name);
  }

  /** The runner's own request to the IdP (a path is relative to the issuer). */
  async sendToIdp(spec: HttpRequestSpec, label?: string): Promise<HttpResult> {
    const url = /^https?:\/\//.test(spec.url) ? spec.url : `${this.idp.issuer}${spec.url.startsWith('/') ? '' : '/'}${spec.url}`;
    return this.#send('runner', 'idp', url, { ...spec, headers: { 'x-mockidp-scenario': this.tag, 'user-agent': 'mockidp-harness', ...spec.headers } }, label);
  }

  /** A request to any URL (a raw call). */
  async sendTo(to: Actor, url: string, spec: HttpRequestSpec, label?: string): Promise<HttpResult> {
    const headers =
      to === 'idp'
        ? { 'x-mockidp-scenario': this.tag, 'user-agent': 'mockidp-harness', ...spec.headers }
        : { 'user-agent': 'mockidp-harness', ...spec.headers };
    return this.#send('runner', to, url, { ...spec, headers }, label);
  }

  async #send(from: Actor, to: Actor, url: string, spec: HttpRequestSpec, label?: string): Promise<HttpResult> {
    const at = this.trace.elapsed();
    const started = performance.now();
    try {
      const result = await sendHttp(url, spec, this.signal);
      this.trace.add(answeredExchange(this.#frame(from, to, url, at, started, label), spec, result));
      return result;
    } catch (error) {
      this.trace.add(failedExchange(this.#frame(from, to, url, at, started, label), spec, error));
      throw new StepFailure(`${spec.method ?? 'request'} ${maskUrl(url)} failed: ${describeNetworkError(error)}`);
    }
  }

  /** A request to the target through its launcher; what the target asked the IdP meanwhile is nested. */
  async callTarget(spec: HttpRequestSpec, label?: string): Promise<HttpResult> {
    const target = this.target;
    if (!target) throw new StepFailure('this scenario has no target: add "target: <name>" to call target operations');
    const at = this.trace.elapsed();
    const started = performance.now();
    const url = /^https?:\/\//.test(spec.url) ? spec.url : `${target.connection.url ?? ''}${spec.url}`;
    const headers = { 'user-agent': 'mockidp-harness', ...spec.headers };
    try {
      const result =
        target.connection.request && !/^https?:\/\//.test(spec.url)
          ? await target.connection.request({ ...spec, headers }, this.signal)
          : await sendHttp(url, { ...spec, headers }, this.signal);
      this.trace.add(answeredExchange(this.#frame('runner', 'target', url, at, started, label, this.#targetRequests()), { ...spec, headers }, result));
      return result;
    } catch (error) {
      this.trace.add(failedExchange(this.#frame('runner', 'target', url, at, started, label, this.#targetRequests()), spec, error));
      const gone = this.signal.aborted ? undefined : await target.connection.diagnose?.();
      throw new StepFailure(`${label ?? 'call'}: ${spec.method ?? 'GET'} ${maskUrl(url)} failed: ${describeNetworkError(error)}${gone ? `; ${gone}` : ''}`);
    }
  }

  /** Journal entries of requests the target (not the harness) sent since the last look. */
  #targetRequests(): TraceExchange[] {
    const entries = this.idp.journal(this.#journalSeen);
    if (entries.length > 0) this.#journalSeen = entries[entries.length - 1]!.seq;
    return entries.filter((entry) => entry.scenario !== this.tag).map((entry) => journalExchange(entry, this.step, this.trace.elapsed()));
  }

  /** Adds target requests the journal saw outside calls (e.g. a command's), as top-level arrows. */
  recordTargetRequests(): void {
    for (const exchange of this.#targetRequests()) this.trace.add(exchange);
  }

  /** Who called whom and when; the request took from `started` (performance.now()) until now. */
  #frame(from: Actor, to: Actor, url: string, at: number, started: number, label?: string, nested?: TraceExchange[]): Omit<ExchangeFrame, 'method'> {
    return { step: this.step, from, to, url, at, ms: performance.now() - started, label, nested };
  }

  /** The scenario's IdP clock, in epoch seconds. */
  async nowSeconds(): Promise<number> {
    const clock = await this.idp.admin.clock.get(this.idp.tenant);
    return Date.parse(clock.now) / 1000;
  }

  /** A client of the scenario's tenant, or a clear error naming the known ones. */
  client(id: string): ClientSpec {
    const client = this.clients[id];
    if (!client) throw new StepFailure(`no client "${id}" in this scenario; clients: ${Object.keys(this.clients).join(', ')} (add it under idp.clients)`);
    return client;
  }
}
