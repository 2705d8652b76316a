import { createHash, randomBytes } from 'node:crypto';
import { browserlessLogin } from '../../harness/actors/browserless-login.ts';
import type { UserAgent } from '../../harness/actors/user-agent.ts';

export interface CodeLogin {
  /** The token response as the IdP sent it. */
  tokens: { id_token?: string; access_token?: string; refresh_token?: string; [name: string]: unknown };
  /** The browser of the login, with the IdP's session cookie (for logout). */
  userAgent: UserAgent;
}

/** A person logs in to a public client with the authorization code flow and PKCE; the code is redeemed at once. */
export async function codeLogin(
  issuer: string,
  options: { client: string; redirectUri: string; username?: string; scope?: string; state?: string },
): Promise<CodeLogin> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: options.client,
    response_type: 'code',
    scope: options.scope ?? 'openid',
    redirect_uri: options.redirectUri,
    state: options.state ?? 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const { params, userAgent } = await browserlessLogin({
    authorizationUrl: `${issuer}/auth?${query}`,
    redirectUri: options.redirectUri,
    username: options.username ?? 'alice',
  });
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: options.redirectUri,
      client_id: options.client,
      code_verifier: verifier,
    }),
  });
  return { tokens: (await response.json()) as CodeLogin['tokens'], userAgent };
}
