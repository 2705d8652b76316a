import { ComponentError } from '../errors.ts';
import type { Discovery } from '../oidc/discovery.ts';
import { TokenError, UpstreamError } from '../oidc/errors.ts';
import { excerpt, fetchJson, isObject } from '../oidc/http.ts';

export interface CodeExchangeClient {
  discovery: Discovery;
  clientId: string;
  clientSecret: string | undefined;
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  timeoutMs: number;
}

/** The IdP refused the code (invalid_grant and friends): the login fails, not the component. */
export class CodeRejectedError extends ComponentError {
  readonly error: string;
  constructor(error: string, description: string | undefined) {
    super(`the IdP refused the authorization code: ${error}${description ? ` (${description})` : ''}`);
    this.error = error;
  }
}

/** Redeems an authorization code at the IdP's token endpoint (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export async function redeemCode(
  client: CodeExchangeClient,
  grant: { code: string; redirectUri: string; codeVerifier: string | undefined },
): Promise<{ idToken: string }> {
  const { token_endpoint: tokenEndpoint } = await client.discovery.get();
  if (!tokenEndpoint) throw new UpstreamError("the IdP's discovery document has no token_endpoint");
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri });
  if (grant.codeVerifier !== undefined) form.set('code_verifier', grant.codeVerifier);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (client.authMethod === 'client_secret_basic') {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined.
    const basic = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret ?? '')}`;
    headers['authorization'] = `Basic ${Buffer.from(basic).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
    if (client.authMethod === 'client_secret_post') form.set('client_secret', client.clientSecret ?? '');
  }
  const response = await fetchJson(tokenEndpoint, { method: 'POST', headers, body: form, timeoutMs: client.timeoutMs, what: 'token endpoint' });
  const body = isObject(response.body) ? response.body : undefined;
  if (response.status === 400 || response.status === 401) {
    const error = body && typeof body['error'] === 'string' ? body['error'] : undefined;
    const description = body && typeof body['error_description'] === 'string' ? body['error_description'] : undefined;
    // the authenticator's own client is refused: a configuration problem, not the user's
    if (error === 'invalid_client' || error === 'unauthorized_client') {
      throw new UpstreamError(
        `the IdP refused the authenticator's client "${client.clientId}" (${error}${description ? `: ${description}` : ''}): check the client id, secret and authentication method`,
        response.status,
      );
    }
    if (error) throw new CodeRejectedError(error, description);
    throw new UpstreamError(`the token endpoint answered ${response.status} without an OAuth error: ${excerpt(response.text)}`, response.status);
  }
  if (response.status !== 200 || !body) throw new UpstreamError(`the token endpoint answered ${response.status}: ${excerpt(response.text)}`, response.status);
  const idToken = body['id_token'];
  if (typeof idToken !== 'string') throw new TokenError('malformed', 'the token response has no id_token (was the openid scope requested?)');
  return { idToken };
}
