import type { Context } from 'koa';
import { HttpError } from '../server/http-error.ts';
import { readJsonObject } from '../server/json-body.ts';

/** The lakeFS StsAuthRequest, checked: `{code, state, redirect_uri}`, all non-empty strings. */
export interface LoginRequest {
  code: string;
  state: string;
  redirectUri: string;
}

const LIMITS = { code: 4096, state: 2048, redirect_uri: 2048 } as const;

export function readLoginRequest(ctx: Context): LoginRequest {
  const body = readJsonObject(ctx);
  const fields: Record<string, string> = {};
  for (const [field, limit] of Object.entries(LIMITS)) {
    const value = body[field];
    if (value === undefined || value === null || value === '')
      throw new HttpError(400, `${field} is required: send {"code": ..., "state": ..., "redirect_uri": ...}`);
    if (typeof value !== 'string') throw new HttpError(400, `${field} must be a string, not ${Array.isArray(value) ? 'an array' : typeof value}`);
    if (value.length > limit) throw new HttpError(400, `${field} is ${value.length} characters long; at most ${limit} are accepted`);
    fields[field] = value;
  }
  return { code: fields['code']!, state: fields['state']!, redirectUri: fields['redirect_uri']! };
}

export interface StateContents {
  codeVerifier: string;
  nonce: string | undefined;
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * The lakeFS flow carries the PKCE code verifier in `state`. Either state is the verifier itself,
 * or it is form-encoded `code_verifier=...&nonce=...` when the client also sent a nonce (the two
 * cannot be confused: a verifier never contains "=").
 */
export function readState(state: string): StateContents {
  const structured = state.includes('=');
  const params = structured ? new URLSearchParams(state) : undefined;
  const codeVerifier = params ? (params.get('code_verifier') ?? '') : state;
  if (!VERIFIER.test(codeVerifier)) {
    throw new HttpError(
      400,
      'state must carry the PKCE code verifier: 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636), or code_verifier=<verifier>&nonce=<nonce>; configure pkce: "off" for clients without PKCE',
    );
  }
  const nonce = params?.get('nonce') ?? undefined;
  return { codeVerifier, nonce: nonce === '' ? undefined : nonce };
}
