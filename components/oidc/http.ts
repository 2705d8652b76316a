import type { z } from 'zod';
import { formatPath, zodProblems } from '../../common/problems.ts';
import { type PlainResponse, plainRequest } from '../../common/http-request.ts';
import { UpstreamError } from './errors.ts';

/*
 * The one way the components talk to an IdP or to each other: a request with a timeout (undici's
 * request(), see common/http-request.ts), and answers read as JSON with errors that say which call
 * failed and why.
 */

export interface JsonResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** True when the response declared a JSON content type and parsed. */
  json: boolean;
  text: string;
}

export interface JsonRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  timeoutMs: number;
  /** Whose answer this is, for error messages ("token endpoint"). */
  what: string;
}

export async function fetchJson(url: string, init: JsonRequest): Promise<JsonResponse> {
  const { timeoutMs, what, body, ...rest } = init;
  let response: PlainResponse;
  try {
    response = await plainRequest(url, { ...rest, ...(body === undefined ? {} : { body: String(body) }), signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describeRequestError(error);
    throw new UpstreamError(`${what}: ${url} is unreachable (${reason})`);
  }
  const { text } = response;
  const declaredJson = /\bjson\b/i.test(response.headers['content-type'] ?? '');
  let parsed: unknown;
  let json = false;
  if (text) {
    try {
      parsed = JSON.parse(text);
      json = declaredJson;
    } catch {
      parsed = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed, json, text };
}

function describeRequestError(error: unknown): string {
  const failure = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return failure.code ?? failure.cause?.code ?? failure.cause?.message ?? failure.message ?? String(error);
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
