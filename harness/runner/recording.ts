import { maskHeaders, maskUrl } from '../../common/mask.ts';
import type { JournalEntry } from '../../mock-idp/index.ts';
import type { ObservedRequest } from '../actors/user-agent.ts';
import { redact } from '../assertions/format.ts';
import { decodeToken, looksLikeJwt } from '../scenario/path.ts';
import type { HttpRequestSpec, HttpResult } from './http.ts';
import { describeNetworkError } from './network-error.ts';
import type { Actor, DecodedJwt, TraceExchange } from './trace.ts';

/*
 * What the trace records of each HTTP exchange of a scenario (the runner's requests, the browser's, and
 * the target's requests to the IdP from the journal): who called whom, when and for how long, the
 * headers and bodies with secrets masked (common/mask.ts), and the JWTs that crossed, decoded.
 */

/** Who called whom, where, when and for how long. */
export interface ExchangeFrame {
  step: number;
  from: Actor;
  to: Actor;
  url: string;
  method: string;
  /** ms since the scenario started. */
  at: number;
  ms: number;
  label?: string | undefined;
  /** Requests the target made to the IdP meanwhile. */
  nested?: TraceExchange[] | undefined;
}

const RESPONSE_HEADERS = ['content-type', 'location', 'www-authenticate', 'cache-control', 'retry-after'];
const BROWSER_RESPONSE_HEADERS = ['content-type', 'location', 'set-cookie'];

function frame({ step, from, to, url, method, at, ms, label, nested }: ExchangeFrame): TraceExchange {
  return {
    type: 'exchange',
    step,
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

/** A request the runner sent and its answer. */
export function answeredExchange(exchange: Omit<ExchangeFrame, 'method'>, spec: HttpRequestSpec, result: HttpResult): TraceExchange {
  const requestBody = spec.json ?? spec.form ?? (spec.body === undefined ? undefined : parseBody(spec.body, spec.headers?.['content-type']));
  const responseBody = result.json ?? result.xml ?? (result.body.length > 0 ? result.body.slice(0, 2000) : undefined);
  const tokens = [...findTokens(requestBody), ...findTokens(result.json), ...findTokens(result.xml)];
  return {
    ...frame({ ...exchange, method: spec.method ?? (requestBody === undefined ? 'GET' : 'POST') }),
    status: result.status,
    request: { headers: maskHeaders(withoutNoise(spec.headers ?? {})), ...(requestBody === undefined ? {} : { body: redact(requestBody) }) },
    response: {
      headers: maskHeaders(pick(result.headers, RESPONSE_HEADERS)),
      ...(responseBody === undefined ? {} : { body: redact(responseBody) }),
    },
    ...(tokens.length > 0 ? { tokens } : {}),
  };
}

/** A request the runner sent that got no answer. */
export function failedExchange(exchange: Omit<ExchangeFrame, 'method'>, spec: HttpRequestSpec, error: unknown): TraceExchange {
  return { ...frame({ ...exchange, method: spec.method ?? 'GET' }), error: describeNetworkError(error) };
}

/** One request of a browser (a cookie jar following redirects), observed as it completed. */
export function browserExchange(step: number, to: Actor, request: ObservedRequest, now: number): TraceExchange {
  const label = request.location ? `→ ${shortUrl(request.location)}` : undefined;
  const requestBody = request.requestBody === undefined ? undefined : parseBody(request.requestBody, request.requestHeaders['content-type']);
  return {
    ...frame({ step, from: 'browser', to, url: request.url, method: request.method, at: Math.max(0, now - request.ms), ms: request.ms, label }),
    status: request.status,
    request: { headers: maskHeaders(withoutNoise(request.requestHeaders)), ...(requestBody === undefined ? {} : { body: redact(requestBody) }) },
    response: { headers: maskHeaders(pick(request.responseHeaders, BROWSER_RESPONSE_HEADERS)) },
  };
}

/** A request of the target to the IdP, from the IdP's journal (already masked there). */
export function journalExchange(entry: JournalEntry, step: number, at: number): TraceExchange {
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

/** JWTs found in a request or response body (top-level and nested fields), decoded. */
function findTokens(body: unknown, depth = 0, field = 'body'): DecodedJwt[] {
  if (depth > 5 || body === null || body === undefined) return [];
  if (typeof body === 'string') {
    if (!looksLikeJwt(body)) return [];
    const decoded = decodeToken(body);
    return decoded ? [{ field, header: decoded.header, claims: decoded.claims }] : [];
  }
  if (Array.isArray(body)) return body.flatMap((item, index) => findTokens(item, depth + 1, `${field}[${index}]`));
  if (typeof body === 'object') return Object.entries(body).flatMap(([key, value]) => findTokens(value, depth + 1, key));
  return [];
}

function shortUrl(url: string): string {
  const masked = maskUrl(url);
  return masked.length > 90 ? `${masked.slice(0, 90)}…` : masked;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function pick(headers: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (headers[name] !== undefined) out[name] = headers[name]!;
  return out;
}

/** Headers every runner request carries, which tell the reader nothing. */
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
