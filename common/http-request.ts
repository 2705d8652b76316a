import type { Dispatcher } from 'undici';

/*
 * One HTTP request with undici's request(), read to the end as text. fetch costs about twice the CPU
 * per request (its spec machinery and web streams), and the suite sends thousands of requests in one
 * process (admin calls, the components' calls to the IdP, the runner's calls). request() follows no
 * redirect, which every caller here wants. Unlike fetch it throws a failed connection's error as is
 * (its code on the error itself, not on a cause). undici is loaded on the first request: evaluating it costs
 * `mockidp serve` and startMockIdp() a tenth of their start-up, and a server that never calls out never needs it.
 */

let request: typeof import('undici').request | undefined;

export interface PlainRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface PlainResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", " as fetch's Headers.get does (set-cookie aside). */
  headers: Record<string, string>;
  setCookies: string[];
  text: string;
}

export async function plainRequest(url: string, init: PlainRequest = {}): Promise<PlainResponse> {
  request ??= (await import('undici')).request;
  const answer = await request(url, {
    method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
    ...(init.headers ? { headers: init.headers } : {}),
    ...(init.body === undefined ? {} : { body: init.body }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await answer.body.text();
  const headers: Record<string, string> = {};
  let setCookies: string[] = [];
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    if (name === 'set-cookie') setCookies = Array.isArray(value) ? value : [value];
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: answer.statusCode, headers, setCookies, text };
}
