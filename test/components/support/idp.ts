import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll } from 'vitest';
import * as oidc from 'openid-client';
import { startMockIdp, type MockIdp, type MockIdpConfigInput, type TenantInput } from '../../../mock-idp/index.ts';
import { approveDevice, browserlessLogin } from '../../../harness/actors/browserless-login.ts';

/*
 * The mock IdP the component tests run against (real, on loopback), and a scripted user who logs
 * in and hands over an authorization code the way the lakeFS web flow does.
 */

export const REDIRECT_URI = 'http://127.0.0.1:8765/cb';
export const LAKEFS_SECRET = 'lakefs-secret';

const users: TenantInput['users'] = {
  alice: { email: 'alice@example.test', groups: ['admins', 'developers'], name: 'Alice Anders' },
  bob: { email: 'bob@example.test', groups: ['developers'] },
  carol: { email: 'carol@example.test', groups: [] },
};

/** The private key behind the `default` tenant's RS256 key: tests sign tokens the IdP's JWKS vouches for. */
const testKey = await generateKeyPair('RS256', { extractable: true });
const testJwk = (await exportJWK(testKey.privateKey)) as Record<string, unknown>;
export const TEST_KID = 'test-rs256';

/** A token signed with the default tenant's published RS256 key, with exactly these claims. */
export function signAsIdp(claims: JWTPayload, header: { kid?: string | undefined; typ?: string } = {}): Promise<string> {
  const kid = 'kid' in header ? header.kid : TEST_KID;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', ...(kid === undefined ? {} : { kid }), ...(header.typ ? { typ: header.typ } : {}) })
    .sign(testKey.privateKey);
}

function componentTenant(withTestKey = false): TenantInput {
  return {
    ...(withTestKey ? { keys: [{ alg: 'RS256' as const, kid: TEST_KID, jwk: testJwk }, { alg: 'ES256' as const }] } : {}),
    users,
    clients: {
      lakefs: { secret: LAKEFS_SECRET, redirectUris: [REDIRECT_URI], grants: ['authorization_code'], pkce: 'required' },
      'lakefs-public': { redirectUris: [REDIRECT_URI], grants: ['authorization_code'] },
      'lakefs-post': { secret: 'post-secret', authMethod: 'client_secret_post', redirectUris: [REDIRECT_URI], grants: ['authorization_code'] },
      other: { secret: 'other-secret', redirectUris: [REDIRECT_URI], grants: ['authorization_code'] },
      cli: { grants: ['device_code', 'refresh_token'], audience: 'api://storage' },
      'cli-opaque': { grants: ['device_code', 'refresh_token'] },
      service: { secret: 'service-secret', grants: ['client_credentials'], audience: 'api://storage' },
      'admin-app': { secret: 'admin-app-secret', grants: ['client_credentials'], audience: 'api://storage' },
      'dpop-app': { secret: 'dpop-app-secret', grants: ['client_credentials'], audience: 'api://storage', dpop: 'required' },
      'unmapped-app': { secret: 'unmapped-secret', grants: ['client_credentials'], audience: 'api://storage' },
      'sts-client': { secret: 'sts-client-secret', grants: ['client_credentials'] },
    },
  };
}

/** A quiet mock IdP with tenants `default` and `evil` (same users and clients, other keys and issuer). */
export async function startComponentIdp(extraTenants: Record<string, TenantInput> = {}, server: MockIdpConfigInput['server'] = {}): Promise<MockIdp> {
  const idp = await startMockIdp({
    server: { logLevel: 'silent', ...server },
    tenants: { default: componentTenant(true), evil: componentTenant(), ...extraTenants },
  });
  afterAll(() => idp.close());
  return idp;
}

export interface LakefsCode {
  code: string;
  /** The PKCE code verifier, carried as `state` in the lakeFS flow. */
  state: string;
  redirect_uri: string;
}

/** A user logs in at the IdP (authorization code + PKCE S256, no browser); the code is not redeemed. */
export async function lakefsCode(
  idp: MockIdp,
  options: { user?: string; client?: string; tenant?: string; nonce?: string; scope?: string } = {},
): Promise<LakefsCode> {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${idp.issuer(options.tenant ?? 'default')}/auth`);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: options.client ?? 'lakefs',
    redirect_uri: REDIRECT_URI,
    scope: options.scope ?? 'openid profile email groups',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(options.nonce ? { nonce: options.nonce } : {}),
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const { params: callback } = await browserlessLogin({ authorizationUrl: url.toString(), redirectUri: REDIRECT_URI, username: options.user ?? 'alice' });
  const code = callback.get('code');
  if (!code) throw new Error(`login failed: ${callback.toString()}`);
  return { code, state: verifier, redirect_uri: REDIRECT_URI };
}

/** Moves a tenant's clock for the duration of fn, then puts it back. */
export async function withTenantClock<T>(idp: MockIdp, tenant: string, offsetSeconds: number, fn: () => Promise<T>): Promise<T> {
  await idp.admin.clock.set(tenant, { offsetSeconds });
  try {
    return await fn();
  } finally {
    await idp.admin.clock.set(tenant, { offsetSeconds: 0 });
  }
}

/** A user's access token from the device flow (approved on the verification page, polled once). */
export async function deviceFlowToken(
  idp: MockIdp,
  options: { client: string; user: string; scope?: string; tenant?: string },
): Promise<{ access_token: string; refresh_token?: string; id_token?: string }> {
  const issuer = idp.issuer(options.tenant ?? 'default');
  const form = (values: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values),
  });
  const device = (await (
    await fetch(`${issuer}/device/auth`, form({ client_id: options.client, scope: options.scope ?? 'openid groups offline_access' }))
  ).json()) as { device_code: string; verification_uri_complete: string };
  await approveDevice({ verificationUri: device.verification_uri_complete, username: options.user });
  const response = await fetch(
    `${issuer}/token`,
    form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code, client_id: options.client }),
  );
  const tokens = (await response.json()) as { access_token?: string };
  if (!tokens.access_token) throw new Error(`device flow failed: ${JSON.stringify(tokens)}`);
  return tokens as { access_token: string };
}

/** An application's access token from the client_credentials grant. */
export async function clientCredentialsToken(idp: MockIdp, client: string, secret: string): Promise<string> {
  const response = await fetch(`${idp.issuer('default')}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const tokens = (await response.json()) as { access_token?: string };
  if (!tokens.access_token) throw new Error(`client_credentials failed: ${JSON.stringify(tokens)}`);
  return tokens.access_token;
}

/** A client_credentials token bound to a fresh DPoP key, got with openid-client (which makes the proof). */
export async function dpopBoundToken(
  idp: MockIdp,
  client: string,
  secret: string,
): Promise<{ token: string; config: oidc.Configuration; dpop: oidc.DPoPHandle; keyPair: CryptoKeyPair }> {
  const config = await oidc.discovery(new URL(idp.issuer('default')), client, undefined, oidc.ClientSecretBasic(secret), {
    execute: [oidc.allowInsecureRequests],
  });
  const keyPair = await oidc.randomDPoPKeyPair('ES256');
  const dpop = oidc.getDPoPHandle(config, keyPair);
  const tokens = await oidc.clientCredentialsGrant(config, {}, { DPoP: dpop });
  return { token: tokens.access_token, config, dpop, keyPair };
}
