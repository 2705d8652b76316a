import { afterAll } from 'vitest';
import { startAuthenticator, type AuthenticatorOptions, type RunningComponent } from '../../../components/index.ts';
import type Koa from 'koa';
import type { MockIdp } from '../../../mock-idp/index.ts';
import { listen } from '../../../components/server/listen.ts';
import { LAKEFS_SECRET, REDIRECT_URI } from './idp.ts';

/** Starts components on free loopback ports and stops them after the file. */
export async function started<T extends RunningComponent>(start: Promise<T>): Promise<T> {
  const running = await start;
  afterAll(() => running.close());
  return running;
}

export function authenticatorOptions(idp: MockIdp, options: Partial<AuthenticatorOptions> = {}): AuthenticatorOptions {
  return { issuer: idp.issuer('default'), clientId: 'lakefs', clientSecret: LAKEFS_SECRET, redirectUris: [REDIRECT_URI], ...options };
}

export function authenticator(idp: MockIdp, options: Partial<AuthenticatorOptions> = {}): Promise<RunningComponent> {
  return started(startAuthenticator(authenticatorOptions(idp, options)));
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Serves an app made with create*App on a free loopback port (stopped after the file). */
export function serveApp(app: Koa): Promise<RunningComponent> {
  return started(listen(app.callback(), {}, 'test'));
}
