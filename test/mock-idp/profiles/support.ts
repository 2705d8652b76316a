import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { browserlessLogin } from '../../../harness/actors/browserless-login.ts';
import type { MockIdp, MockIdpConfigInput } from '../../../mock-idp/index.ts';

export const REDIRECT_URI = 'http://127.0.0.1:8080/callback';

/** A tenant with a profile, the users and clients every profile test uses. */
export function profiledTenant(profile: unknown, extra: Record<string, unknown> = {}): NonNullable<MockIdpConfigInput['tenants']>[string] {
  return {
    profile: profile as never,
    users: {
      alice: { name: 'Alice Anders', email: 'alice@example.com', groups: ['admins', 'developers'] },
      bob: { name: 'Bob Brown', email: 'bob@gmail.test', groups: [] },
    },
    clients: {
      web: { secret: 'web-secret', redirectUris: [REDIRECT_URI], grants: ['authorization_code', 'refresh_token'] },
      svc: { secret: 'svc-secret', grants: ['client_credentials'], audience: 'api://orders' },
      tv: { grants: ['device_code', 'refresh_token'] },
    },
    ...extra,
  } as never;
}

export async function discovery(idp: MockIdp, tenant: string): Promise<Record<string, unknown> & { issuer: string; token_endpoint: string }> {
  const response = await fetch(`${idp.issuer(tenant).replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery of ${tenant}: ${response.status}`);
  return (await response.json()) as never;
}

export interface RawLogin {
  status: number;
  body: Record<string, unknown>;
  idToken: Record<string, unknown>;
  idHeader: Record<string, unknown>;
  accessToken: string;
}

/** Auth code + PKCE as a confidential client, following the discovery document; the raw token response. */
export async function rawLogin(
  idp: MockIdp,
  tenant: string,
  options: { username?: string; scope?: string; extra?: Record<string, string> } = {},
): Promise<RawLogin> {
  const doc = await discovery(idp, tenant);
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: 'web',
    response_type: 'code',
    scope: options.scope ?? 'openid profile email groups',
    redirect_uri: REDIRECT_URI,
    state: randomBytes(6).toString('hex'),
    nonce: randomBytes(6).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...options.extra,
  });
  const { params } = await browserlessLogin({
    authorizationUrl: `${String(doc['authorization_endpoint'])}?${query}`,
    redirectUri: REDIRECT_URI,
    username: options.username ?? 'alice',
  });
  const response = await fetch(doc.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('web:web-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code') ?? '', redirect_uri: REDIRECT_URI, code_verifier: verifier }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  const idToken = typeof body['id_token'] === 'string' ? body['id_token'] : undefined;
  return {
    status: response.status,
    body,
    idToken: idToken ? (decodeJwt(idToken) as Record<string, unknown>) : {},
    idHeader: idToken ? (decodeProtectedHeader(idToken) as Record<string, unknown>) : {},
    accessToken: String(body['access_token'] ?? ''),
  };
}

/** A token endpoint request, form-encoded, to the profile's token endpoint. */
export async function tokenRequest(
  idp: MockIdp,
  tenant: string,
  form: Record<string, string>,
  basic?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const doc = await discovery(idp, tenant);
  const response = await fetch(doc.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}) },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function deviceAuthorization(idp: MockIdp, tenant: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const doc = await discovery(idp, tenant);
  const response = await fetch(String(doc['device_authorization_endpoint']), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'tv', scope: 'openid' }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export interface PublishedCertificate {
  key: Record<string, unknown>;
  certificate: X509Certificate;
  /** base64url SHA-1 and SHA-256 of the certificate's DER bytes. */
  sha1: string;
  sha256: string;
}

/** The JWKS keys of a document, each with the X.509 certificate of its x5c (if any). */
export async function publishedCertificates(jwksUri: string): Promise<PublishedCertificate[]> {
  const { keys } = (await (await fetch(jwksUri)).json()) as { keys: Array<Record<string, unknown>> };
  return keys.map((key) => {
    const der = Array.isArray(key['x5c']) ? Buffer.from(String(key['x5c'][0]), 'base64') : Buffer.alloc(0);
    return {
      key,
      certificate: der.length > 0 ? new X509Certificate(der) : (undefined as never),
      sha1: createHash('sha1').update(der).digest('base64url'),
      sha256: createHash('sha256').update(der).digest('base64url'),
    };
  });
}
