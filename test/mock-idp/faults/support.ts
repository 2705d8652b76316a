import { createHash, randomBytes } from 'node:crypto';
import { browserlessLogin } from '../../../harness/actors/browserless-login.ts';
import type { MockIdp } from '../../../mock-idp/index.ts';

export const REDIRECT_URI = 'http://127.0.0.1:8080/callback';
export const SERVICE_AUTH = `Basic ${Buffer.from('service:service-secret').toString('base64')}`;

/** Logs alice in with demo (auth code + PKCE) and returns the raw callback parameters. */
export async function authorize(
  idp: MockIdp,
  tenant = 'default',
  username = 'alice',
): Promise<{ params: URLSearchParams; verifier: string; state: string; nonce: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const nonce = randomBytes(8).toString('hex');
  const query = new URLSearchParams({
    client_id: 'demo',
    response_type: 'code',
    scope: 'openid profile email groups offline_access',
    prompt: 'consent',
    redirect_uri: REDIRECT_URI,
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const { params } = await browserlessLogin({ authorizationUrl: `${idp.issuer(tenant)}/auth?${query}`, redirectUri: REDIRECT_URI, username });
  return { params, verifier, state, nonce };
}

/** A full login whose token response is returned as the IdP sent it (no validation by a library). */
export async function rawLogin(idp: MockIdp, tenant = 'default', username = 'alice'): Promise<{ status: number; body: Record<string, string>; nonce: string }> {
  const { params, verifier, nonce } = await authorize(idp, tenant, username);
  const response = await fetch(`${idp.issuer(tenant)}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      client_id: 'demo',
      code_verifier: verifier,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string>, nonce };
}

/** A client_credentials token request of the service client. */
export function serviceToken(idp: MockIdp, tenant = 'default', init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${idp.issuer(tenant)}/token`, {
    method: 'POST',
    headers: { authorization: SERVICE_AUTH, 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
    body: 'grant_type=client_credentials',
    ...(init.signal ? { signal: init.signal } : {}),
  });
}
