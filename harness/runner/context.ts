import type { AdminClient, JournalEntry } from '../../mock-idp/index.ts';
import { UserAgent, type ObservedRequest } from '../actors/user-agent.ts';
import type { Scenario } from '../scenario/model.ts';
import type { ClientSpec, TargetSession } from '../targets/target.ts';
import { fetchHttp, type HttpRequestSpec, type HttpResult } from './http.ts';
import { findTokens, maskHeaders, safeBody, type Actor, type Trace, type TraceExchange } from './trace.ts';

/*
 * Everything a step can use while a scenario runs: the scenario's IdP tenant and admin client, the
 * target, the variables, the browsers (cookie jars), and HTTP helpers that record each exchange
 * for the report. Requests the harness sends to the IdP carry the scenario tag
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

export class StepFailure extends Error {
  readonly reason: 'error' | 'unsupported' | 'timeout';
  constructor(message: string, reason: 'error' | 'unsupported' | 'timeout' = 'error') {
    super(message);
    this.name = 'StepFailure';
    this.reason = reason;
  }
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
        observe: (request) => this.#recordBrowser(request),
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

  #recordBrowser(request: ObservedRequest): void {
    const to = this.actorOf(request.url);
    const label = request.location ? `→ ${shortUrl(request.location)}` : undefined;
    const requestBody = request.requestBody === undefined ? undefined : parseBody(request.requestBody, request.requestHeaders['content-type']);
    this.trace.add({
      type: 'exchange',
      step: this.step,
      at: Math.max(0, this.trace.elapsed() - request.ms),
      ms: round(request.ms),
      from: 'browser',
      to,
      method: request.method,
      url: maskUrl(request.url),
      status: request.status,
      ...(label ? { label } : {}),
      request: { headers: maskHeaders(withoutNoise(request.requestHeaders)), ...(requestBody === undefined ? {} : { body: safeBody(requestBody) }) },
      response: { headers: maskHeaders(pick(request.responseHeaders, ['content-type', 'location', 'set-cookie'])) },
    });
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
      const result = await fetchHttp(url, spec, this.signal);
      this.#record(from, to, url, spec, result, at, performance.now() - started, label);
      return result;
    } catch (error) {
      this.#recordError(from, to, url, spec, error, at, performance.now() - started, label);
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
          : await fetchHttp(url, { ...spec, headers }, this.signal);
      this.#record('runner', 'target', url, { ...spec, headers }, result, at, performance.now() - started, label, this.#targetRequests());
      return result;
    } catch (error) {
      this.#recordError('runner', 'target', url, spec, error, at, performance.now() - started, label, this.#targetRequests());
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

  #record(
    from: Actor,
    to: Actor,
    url: string,
    spec: HttpRequestSpec,
    result: HttpResult,
    at: number,
    ms: number,
    label?: string,
    nested?: TraceExchange[],
  ): void {
    const requestBody = spec.json ?? spec.form ?? (spec.body === undefined ? undefined : parseBody(spec.body, spec.headers?.['content-type']));
    const responseBody = result.json ?? result.xml ?? (result.body.length > 0 ? result.body.slice(0, 2000) : undefined);
    const tokens = [...findTokens(requestBody), ...findTokens(result.json), ...findTokens(result.xml)];
    this.trace.add({
      ...this.#exchange(from, to, url, spec.method ?? (requestBody === undefined ? 'GET' : 'POST'), at, ms, label, nested),
      status: result.status,
      request: { headers: maskHeaders(withoutNoise(spec.headers ?? {})), ...(requestBody === undefined ? {} : { body: safeBody(requestBody) }) },
      response: {
        headers: maskHeaders(pick(result.headers, ['content-type', 'location', 'www-authenticate', 'cache-control', 'retry-after'])),
        ...(responseBody === undefined ? {} : { body: safeBody(responseBody) }),
      },
      ...(tokens.length > 0 ? { tokens } : {}),
    });
  }

  #recordError(
    from: Actor,
    to: Actor,
    url: string,
    spec: HttpRequestSpec,
    error: unknown,
    at: number,
    ms: number,
    label?: string,
    nested?: TraceExchange[],
  ): void {
    this.trace.add({ ...this.#exchange(from, to, url, spec.method ?? 'GET', at, ms, label, nested), error: describeNetworkError(error) });
  }

  /** What every recorded exchange has: who called whom, where, when and for how long. */
  #exchange(from: Actor, to: Actor, url: string, method: string, at: number, ms: number, label: string | undefined, nested: TraceExchange[] | undefined) {
    return {
      type: 'exchange' as const,
      step: this.step,
      at,
      ms: round(ms),
      from,
      to,
      method: method.toUpperCase(),
      url: maskUrl(url),
      ...(label ? { label } : {}),
      ...(nested && nested.length > 0 ? { nested } : {}),
    };
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

function journalExchange(entry: JournalEntry, step: number, at: number): TraceExchange {
  return {
    type: 'exchange',
    step,
    at,
    ms: entry.latencyMs,
    from: 'target',
    to: 'idp',
    method: entry.method,
    url: entry.path,
    status: entry.status,
    label: `${entry.endpoint}${entry.grantType ? ` (${entry.grantType})` : ''}${entry.error ? ` → ${entry.error}` : ''}`,
    request: { body: entry.params, ...(entry.authorization ? { headers: { authorization: entry.authorization } } : {}) },
    ...(entry.tokens ? { tokens: entry.tokens.map((token) => ({ field: token.field, header: token.header, claims: token.payload })) } : {}),
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function pick(headers: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (headers[name] !== undefined) out[name] = headers[name]!;
  return out;
}

function withoutNoise(headers: Record<string, string>): Record<string, string> {
  const { 'user-agent': _ua, 'x-mockidp-scenario': _tag, ...rest } = headers;
  return rest;
}

function parseBody(body: string, contentType: string | undefined): unknown {
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(body);
    } catch {
      return body;
    }
  }
  if (contentType?.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  return body.length > 2000 ? `${body.slice(0, 2000)}…` : body;
}

const SECRET_QUERY =
  /([?&](?:code|state|token|access_token|id_token|refresh_token|code_verifier|client_secret|user_code|id_token_hint|X-Amz-Signature|X-Amz-Security-Token)=)([^&#]+)/gi;

/** A URL with codes, tokens and secrets in its query shortened. */
export function maskUrl(url: string): string {
  return url.replace(SECRET_QUERY, (_, name: string, value: string) => `${name}${value.length <= 8 ? '…' : `${value.slice(0, 6)}…`}`);
}

export function shortUrl(url: string): string {
  const masked = maskUrl(url);
  return masked.length > 90 ? `${masked.slice(0, 90)}…` : masked;
}

export function describeNetworkError(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return 'aborted (the step or scenario timed out)';
  if (err instanceof StepFailure) return err.message;
  const cause = err?.cause;
  if (cause?.code === 'ECONNREFUSED') return `connection refused (${cause.message ?? 'is it running?'})`;
  if (cause?.code) return `${cause.code}: ${cause.message ?? ''}`.trim();
  return err?.message ?? String(error);
}
