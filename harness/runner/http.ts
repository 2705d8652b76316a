import { XMLParser } from 'fast-xml-parser';
import { plainRequest } from '../../common/http-request.ts';
import type { StepOutcome } from '../assertions/outcome.ts';

/*
 * The runner's own HTTP: plain requests described as data, answered as step outcomes (status,
 * headers, text, and the parsed JSON or XML body).
 */

export interface HttpRequestSpec {
  method?: string;
  /** Absolute URL, or a path (relative to the target's or the IdP's base). */
  url: string;
  headers?: Record<string, string>;
  /** Form body (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** JSON body. */
  json?: unknown;
  /** Raw body. */
  body?: string;
}

export interface HttpResult extends StepOutcome {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const xmlParser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, ignoreDeclaration: true, trimValues: true });

/** Method, headers and body of a request spec, ready to send. */
export function encodeRequest(spec: HttpRequestSpec): { method: string; headers: Record<string, string>; body: string | undefined } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = value;
  let body: string | undefined = spec.body;
  if (spec.form) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    body = new URLSearchParams(spec.form).toString();
  } else if (spec.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(spec.json);
  }
  const method = (spec.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
  return { method, headers, body };
}

/** The outcome of a response: status, headers, text and the parsed body. */
export function toHttpResult(status: number, headers: Record<string, string>, body: string): HttpResult {
  const result: HttpResult = { status, headers, body };
  const type = headers['content-type'] ?? '';
  const trimmed = body.trimStart();
  if (/json/i.test(type) || ((trimmed.startsWith('{') || trimmed.startsWith('[')) && !/html|xml/i.test(type))) {
    try {
      result.json = JSON.parse(body);
    } catch {
      // not JSON after all: expectations on json say so
    }
  }
  if (/xml/i.test(type) || (trimmed.startsWith('<') && !/html/i.test(type) && !/^<!doctype html|^<html/i.test(trimmed))) {
    try {
      const parsed = xmlParser.parse(body) as unknown;
      if (parsed && typeof parsed === 'object' && Object.keys(parsed).length > 0) result.xml = parsed;
    } catch {
      // not XML
    }
  }
  return result;
}

export function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

export async function sendHttp(url: string, spec: HttpRequestSpec, signal: AbortSignal): Promise<HttpResult> {
  const { method, headers, body } = encodeRequest(spec);
  // fetch's defaults, which servers may negotiate on: any type accepted, a bare string body sent as text.
  headers['accept'] ??= '*/*';
  if (body !== undefined) headers['content-type'] ??= 'text/plain;charset=UTF-8';
  const response = await plainRequest(url, { method, headers, signal, ...(body === undefined ? {} : { body }) });
  return toHttpResult(response.status, response.headers, response.text);
}
