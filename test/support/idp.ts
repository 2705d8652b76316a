import * as oidc from 'openid-client';
import { afterAll } from 'vitest';
import { startMockIdp, type MockIdp, type MockIdpConfigInput } from '../../mock-idp/index.ts';
import { browserlessLogin } from '../../harness/actors/browserless-login.ts';
import type { UserAgent } from '../../harness/actors/user-agent.ts';

/** Starts a quiet mock IdP on a free port and stops it after the file's tests. */
export async function startTestIdp(config?: MockIdpConfigInput): Promise<MockIdp> {
  const input = config ?? (await import('../../mock-idp/index.ts')).defaultConfig;
  const idp = await startMockIdp({ ...input, server: { logLevel: 'silent', ...input.server } });
  afterAll(() => idp.close());
  return idp;
}

/** An openid-client relying party for a client of the IdP (http allowed: loopback only). */
export async function relyingParty(
  issuer: string,
  clientId: string,
  options: { secret?: string; auth?: oidc.ClientAuth; metadata?: Partial<oidc.ClientMetadata> } = {},
): Promise<oidc.Configuration> {
  const auth = options.auth ?? (options.secret ? oidc.ClientSecretBasic(options.secret) : oidc.None());
  return oidc.discovery(new URL(issuer), clientId, { ...options.metadata }, auth, { execute: [oidc.allowInsecureRequests] });
}

export interface CodeLogin {
  tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  verifier: string;
  nonce: string;
  state: string;
}

/** Auth code + PKCE login of a user through the headless interaction API, redeemed by openid-client. */
export async function loginWithCode(
  config: oidc.Configuration,
  options: {
    username: string;
    password?: string;
    redirectUri?: string;
    scope?: string;
    extra?: Record<string, string>;
    claims?: Record<string, unknown>;
    userAgent?: UserAgent;
  },
): Promise<CodeLogin> {
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1:8080/callback';
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile email groups',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    ...options.extra,
  });
  const { callbackUrl } = await browserlessLogin({
    authorizationUrl: url.toString(),
    redirectUri,
    username: options.username,
    password: options.password,
    claims: options.claims,
    userAgent: options.userAgent,
  });
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callbackUrl), {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  return { tokens, verifier, nonce, state };
}
