import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt, type JWTPayload } from 'jose';
import { startMockIdp, trustCa, type MockIdp, type MockIdpConfigInput, type MintRequest } from '../../mock-idp/index.ts';
import { browserlessLogin } from '../actors/browserless-login.ts';

/*
 * Helpers for test frameworks: an in-process IdP per file or per test, a user logged in in one
 * call, tokens minted with chosen claims, and a reset between tests. Framework-neutral (pass the
 * framework's hooks); see ./vitest.ts, ./jest.ts and ./node.ts for the bindings.
 */

export interface Hooks {
  beforeAll(fn: () => Promise<void>, timeout?: number): void;
  afterAll(fn: () => Promise<void>, timeout?: number): void;
  beforeEach(fn: () => Promise<void>, timeout?: number): void;
  afterEach(fn: () => Promise<void>, timeout?: number): void;
}

export interface FixtureOptions {
  /** The IdP's configuration; with `server.tls` it serves https and this process trusts its CA (trustCa). */
  config?: MockIdpConfigInput;
  /** 'file' (default): one IdP for the file, reset to its configuration before each test. 'test': a fresh IdP per test. */
  per?: 'file' | 'test';
}

export interface MockIdpFixture {
  /** The running IdP (available inside tests and hooks that run after the fixture's). */
  readonly idp: MockIdp;
}

export function mockIdpFixture(hooks: Hooks, options: FixtureOptions = {}): MockIdpFixture {
  let current: MockIdp | undefined;
  const start = async () => {
    const config = options.config ?? (await import('../../mock-idp/index.ts')).defaultConfig;
    current = await startMockIdp({ ...config, server: { logLevel: 'silent', ...config.server } });
    if (current.ca) trustCa(current.ca.pem);
  };
  const stop = async () => {
    await current?.close();
    current = undefined;
  };
  if (options.per === 'test') {
    hooks.beforeEach(start, 30_000);
    hooks.afterEach(stop);
  } else {
    hooks.beforeAll(start, 30_000);
    hooks.afterAll(stop);
    hooks.beforeEach(async () => {
      await current?.admin.reset();
    });
  }
  return {
    get idp(): MockIdp {
      if (!current) throw new Error('the mock IdP is not running: use it inside a test or a hook registered after mockIdpFixture()');
      return current;
    },
  };
}

export interface LoginAsOptions {
  username: string;
  password?: string;
  /** Public client registered for the authorization code flow (default: demo). */
  client?: string;
  clientSecret?: string;
  tenant?: string;
  redirectUri?: string;
  scope?: string;
  /** Claims for this login only (as typed on the login page): they land in its ID token and userinfo. */
  claims?: Record<string, unknown>;
}

export interface LoggedIn {
  idToken: string;
  accessToken: string;
  refreshToken: string | undefined;
  claims: JWTPayload;
  expiresIn: number;
}

/** Logs a user in with the authorization code flow and PKCE, without a browser, and redeems the code. */
export async function loginAs(idp: MockIdp, options: LoginAsOptions): Promise<LoggedIn> {
  const tenant = options.tenant ?? 'default';
  const client = options.client ?? 'demo';
  const issuer = idp.issuer(tenant);
  const redirectUri = options.redirectUri ?? (await firstRedirectUri(idp, tenant, client));
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(`${issuer}/auth`);
  for (const [key, value] of Object.entries({
    client_id: client,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile email groups offline_access',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })) {
    authorize.searchParams.set(key, value);
  }
  const { params } = await browserlessLogin({
    authorizationUrl: authorize.toString(),
    redirectUri,
    username: options.username,
    password: options.password,
    claims: options.claims,
  });
  const code = params.get('code');
  if (!code) throw new Error(`login of ${options.username} at ${client} failed: ${params.get('error')}: ${params.get('error_description')}`);
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: client });
  if (options.clientSecret) form.set('client_secret', options.clientSecret);
  const response = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const body = (await response.json()) as {
    id_token: string;
    access_token: string;
    refresh_token?: string;
    expires_in: number;
    error?: string;
    error_description?: string;
  };
  if (!response.ok) throw new Error(`token request for ${options.username} failed with ${response.status}: ${body.error}: ${body.error_description}`);
  return {
    idToken: body.id_token,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    claims: decodeJwt(body.id_token),
    expiresIn: body.expires_in,
  };
}

async function firstRedirectUri(idp: MockIdp, tenant: string, client: string): Promise<string> {
  const view = await idp.admin.request<{ redirectUris?: string[] }>('GET', `/tenants/${encodeURIComponent(tenant)}/clients/${encodeURIComponent(client)}`);
  const uri = view.redirectUris?.[0];
  if (!uri) throw new Error(`client ${client} has no redirect URI: pass redirectUri or register one`);
  return uri;
}

/** A token with chosen claims, signed by the tenant's keys (see POST /_admin/tenants/{t}/tokens). */
export async function mintToken(idp: MockIdp, request: MintRequest & { tenant?: string }): Promise<string> {
  const { tenant = 'default', ...rest } = request;
  return (await idp.admin.mint(tenant, rest)).token;
}
