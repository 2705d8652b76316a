import { CookieJar } from 'tough-cookie';
import { type Dispatcher, request as undiciRequest } from 'undici';
import { parse as parseHtml } from 'node-html-parser';

/*
 * A browser without a browser: a cookie jar (tough-cookie) and HTTP requests that never follow a
 * redirect on their own, so every hop of a login can be observed, and HTML forms can be read and
 * submitted. The harness's actors and the project's tests share this one user agent.
 */

export interface Hop {
  method: string;
  url: string;
  status: number;
  location?: string;
}

/** One request of the user agent as an observer sees it (for traces and reports). */
export interface ObservedRequest {
  method: string;
  url: string;
  status: number;
  location?: string;
  requestHeaders: Record<string, string>;
  /** Form or JSON body sent, if any (as sent: observers mask what they keep). */
  requestBody?: string;
  responseHeaders: Record<string, string>;
  ms: number;
}

export interface UserAgentOptions {
  headers?: Record<string, string>;
  /** Called after each request (the harness records the hops of a scenario). */
  observe?: (request: ObservedRequest) => void;
  /** Cancels every request of this user agent (scenario timeouts). */
  signal?: AbortSignal;
}

export interface HtmlForm {
  id: string | undefined;
  action: string;
  method: string;
  fields: Record<string, string>;
  /** Submit buttons: name=value pairs a person could press. */
  buttons: Array<{ name: string | undefined; value: string | undefined; label: string }>;
}

export class UserAgent {
  readonly jar = new CookieJar();
  readonly hops: Hop[] = [];
  readonly headers: Record<string, string>;
  readonly #observe: UserAgentOptions['observe'];
  readonly #signal: AbortSignal | undefined;

  constructor(options: UserAgentOptions = {}) {
    this.headers = { 'user-agent': 'mockidp-user-agent/1', ...options.headers };
    this.#observe = options.observe;
    this.#signal = options.signal;
  }

  /** One request, no redirect following; cookies are sent and stored. */
  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; form?: Record<string, string>; json?: unknown } = {},
  ): Promise<Response> {
    const method = init.method ?? (init.form || init.json !== undefined ? 'POST' : 'GET');
    const headers: Record<string, string> = { ...this.headers, ...init.headers };
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers['cookie'] = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const started = performance.now();
    const response = await send(url, { method, headers, body, signal: this.#signal });
    for (const setCookie of response.headers.getSetCookie()) {
      await this.jar.setCookie(setCookie, url, { ignoreError: true });
    }
    const location = response.headers.get('location');
    const hop: Hop = { method, url, status: response.status, ...(location ? { location: new URL(location, url).toString() } : {}) };
    this.hops.push(hop);
    if (this.#observe) {
      const responseHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        responseHeaders[name] = value;
      });
      this.#observe({
        ...hop,
        requestHeaders: headers,
        ...(body === undefined ? {} : { requestBody: body }),
        responseHeaders,
        ms: performance.now() - started,
      });
    }
    return response;
  }

  /**
   * Follows redirects (303/302/301 become GET, 307/308 keep the method) until a response is not a
   * redirect or `stop` says the next URL belongs to someone else (a client's redirect URI).
   */
  async follow(
    url: string,
    init: Parameters<UserAgent['request']>[1] = {},
    options: { stop?: (url: string) => boolean; maxRedirects?: number } = {},
  ): Promise<{ response: Response; url: string; stoppedAt?: string }> {
    let current = url;
    let currentInit = init;
    for (let hop = 0; hop <= (options.maxRedirects ?? 20); hop += 1) {
      const response = await this.request(current, currentInit);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      await response.arrayBuffer();
      const next = new URL(location, current).toString();
      if (options.stop?.(next)) return { response, url: current, stoppedAt: next };
      if (response.status !== 307 && response.status !== 308) currentInit = { ...(init.headers ? { headers: init.headers } : {}) };
      current = next;
    }
    throw new Error(
      `more than ${options.maxRedirects ?? 20} redirects starting at ${url}: ${this.hops
        .slice(-5)
        .map((h) => `${h.status} ${h.url}`)
        .join(' -> ')}`,
    );
  }
}

/** Reads the forms of an HTML page; inputs linked with form="id" count for that form. */
export function readForms(htmlText: string, pageUrl: string): HtmlForm[] {
  const root = parseHtml(htmlText);
  const forms = root.querySelectorAll('form').map((form): HtmlForm => {
    const fields: Record<string, string> = {};
    for (const input of form.querySelectorAll('input')) {
      const name = input.getAttribute('name');
      if (name && input.getAttribute('type') !== 'submit') fields[name] = input.getAttribute('value') ?? '';
    }
    for (const textarea of form.querySelectorAll('textarea')) {
      const name = textarea.getAttribute('name');
      if (name) fields[name] = textarea.text;
    }
    return {
      id: form.getAttribute('id'),
      action: new URL(form.getAttribute('action') ?? pageUrl, pageUrl).toString(),
      method: (form.getAttribute('method') ?? 'get').toUpperCase(),
      fields,
      buttons: form
        .querySelectorAll('button')
        .map((button) => ({ name: button.getAttribute('name'), value: button.getAttribute('value'), label: button.text.trim() })),
    };
  });
  for (const element of root.querySelectorAll('[form]')) {
    const owner = forms.find((form) => form.id === element.getAttribute('form'));
    if (!owner) continue;
    const name = element.getAttribute('name');
    if (element.tagName === 'BUTTON') owner.buttons.push({ name, value: element.getAttribute('value'), label: element.text.trim() });
    else if (name) owner.fields[name] = element.getAttribute('value') ?? '';
  }
  return forms;
}

/** Statuses whose response has no body (a Response refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * One request with undici's request(), answered as a fetch Response. fetch costs about twice the CPU per
 * request (its spec machinery and web streams), and a login is nine requests; undici's request() follows
 * no redirect, which is what the user agent wants anyway.
 */
async function send(url: string, init: { method: string; headers: Record<string, string>; body: string | undefined; signal: AbortSignal | undefined }) {
  const answer = await undiciRequest(url, {
    method: init.method as Dispatcher.HttpMethod,
    headers: init.headers,
    ...(init.body === undefined ? {} : { body: init.body }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const bytes = await answer.body.arrayBuffer();
  if (answer.statusCode < 200 || answer.statusCode > 599) throw new Error(`${init.method} ${url} answered with status ${answer.statusCode}, which is not HTTP`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.append(name, value);
  }
  const response = new Response(NULL_BODY_STATUSES.has(answer.statusCode) ? null : bytes, { status: answer.statusCode, headers });
  // A constructed Response has no URL; callers read it as they would a fetched one's.
  Object.defineProperty(response, 'url', { value: url });
  return response;
}
