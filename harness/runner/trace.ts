import { decodeToken, looksLikeJwt } from '../scenario/path.ts';
import { redact } from '../assertions/format.ts';

/*
 * What happened during a scenario, for the sequence diagram: every HTTP exchange between the
 * browser (user agent), the runner, the target and the IdP, with secrets masked and the JWTs that
 * crossed each arrow decoded (header and claims only, never the signature).
 */

export type Actor = 'browser' | 'runner' | 'target' | 'idp';

export interface DecodedJwt {
  field: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export interface TraceExchange {
  type: 'exchange';
  step: number;
  /** ms since the scenario started. */
  at: number;
  ms: number;
  from: Actor;
  to: Actor;
  method: string;
  url: string;
  status?: number;
  error?: string;
  label?: string;
  request?: { headers?: Record<string, string>; body?: unknown };
  response?: { headers?: Record<string, string>; body?: unknown };
  tokens?: DecodedJwt[];
  /** Requests the target made to the IdP while handling this one (from the IdP journal). */
  nested?: TraceExchange[];
}

export interface TraceNote {
  type: 'note';
  step: number;
  at: number;
  actor: Actor;
  text: string;
}

export type TraceEvent = TraceExchange | TraceNote;

export class Trace {
  readonly events: TraceEvent[] = [];
  readonly #started = performance.now();
  #limit: number;

  constructor(limit = 400) {
    this.#limit = limit;
  }

  elapsed(): number {
    return Math.round((performance.now() - this.#started) * 10) / 10;
  }

  add(event: TraceEvent): void {
    if (this.events.length < this.#limit) this.events.push(event);
  }

  note(step: number, actor: Actor, text: string): void {
    this.add({ type: 'note', step, at: this.elapsed(), actor, text });
  }
}

const HEADER_SECRETS = new Set(['authorization', 'cookie', 'set-cookie', 'x-amz-security-token', 'proxy-authorization']);

export function maskHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') out[lower] = maskAuthorization(value);
    else if (HEADER_SECRETS.has(lower)) out[lower] = value.length > 0 ? `*** (${value.length} chars)` : '';
    else out[lower] = value.length > 300 ? `${value.slice(0, 300)}…` : value;
  }
  return out;
}

function maskAuthorization(value: string): string {
  const [scheme, credentials] = value.split(' ', 2);
  if (scheme?.toLowerCase() === 'basic' && credentials) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    return `Basic ${decoded.includes(':') ? decodeURIComponent(decoded.slice(0, decoded.indexOf(':'))) : '?'}:***`;
  }
  if (scheme?.startsWith('AWS4')) return `${scheme} ${value.replace(/Signature=[0-9a-f]+/, 'Signature=***').slice(scheme.length + 1, scheme.length + 120)}`;
  return `${scheme ?? ''} ***`;
}

/** JWTs found in a request or response body (top-level and nested fields), decoded. */
export function findTokens(body: unknown, depth = 0, field = 'body'): DecodedJwt[] {
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

/** A body as the report may show it. */
export function safeBody(body: unknown): unknown {
  return redact(body);
}
