import type { z } from 'zod';
import { formatPath, zodProblems } from '../../common/problems.ts';
import { UpstreamError } from './errors.ts';

/*
 * The one way the components talk to an IdP or to each other: fetch with a timeout, and answers
 * read as JSON with errors that say which call failed and why.
 */

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** True when the response declared a JSON content type and parsed. */
  json: boolean;
  text: string;
}

export async function fetchJson(url: string, init: RequestInit & { timeoutMs: number; what: string }): Promise<JsonResponse> {
  const { timeoutMs, what, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(url, { ...rest, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describeFetchError(error);
    throw new UpstreamError(`${what}: ${url} is unreachable (${reason})`);
  }
  const text = await response.text().catch(() => '');
  const declaredJson = /\bjson\b/i.test(response.headers.get('content-type') ?? '');
  let body: unknown;
  let json = false;
  if (text) {
    try {
      body = JSON.parse(text);
      json = declaredJson;
    } catch {
      body = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body, json, text };
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, single-line excerpt of an unexpected body for error messages. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}...` : flat || '(empty body)';
}

/** A JSON answer read by its schema, or an UpstreamError naming each field that is wrong (`what`: whose answer). */
export function parseAnswer<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = zodProblems(parsed.error).map((problem) => `${formatPath(problem.path)}: ${problem.message}`);
  throw new UpstreamError(`${what} is not usable: ${problems.join('; ')}`);
}
