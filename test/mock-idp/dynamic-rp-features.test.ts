import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, describe, expect, it } from 'vitest';
import { browserlessLogin } from '../../harness/actors/browserless-login.ts';
import { defaultTenant } from '../../mock-idp/index.ts';
import { loginWithCode, relyingParty, startTestIdp } from '../support/idp.ts';

/*
 * What a Dynamic relying party needs of the IdP, beyond oidc-provider: WebFinger for the issuer of
 * a user identifier, request objects by reference (request_uri fetched by the IdP; unsigned ones
 * unpacked), and the tenant options that switch on registration and signed userinfo.
 */

const REDIRECT_URI = 'http://127.0.0.1:8080/callback';
const idp = await startTestIdp({
  tenants: {
    default: {
      ...defaultTenant,
      clients: { ...defaultTenant.clients, signed: { secret: 'signed-secret', redirectUris: [REDIRECT_URI], userinfoAlg: 'RS256' } },
    },
    open: { registration: { enabled: true }, requestObjects: true, users: { alice: {} } },
  },
});

/** Serves request objects for request_uri, as a relying party does. */
const objects = new Map<string, string>();
const server = createServer((request, response) => {
  const object = objects.get(request.url ?? '');
  if (!object) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': 'application/oauth-authz-req+jwt' }).end(object);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
const objectsBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const webfinger = (resource: string) =>
  fetch(`${idp.url}/.well-known/webfinger?${new URLSearchParams({ resource, rel: 'http://openid.net/specs/connect/1.0/issuer' })}`);

describe('WebFinger at the server root', () => {
  it('names the issuer of acct:user+TENANT@host, and of a URL whose first path segment is the tenant', async () => {
    const host = new URL(idp.url).host;
    for (const resource of [`acct:alice+open@${host}`, `${idp.url}/open/alice`]) {
      const response = await webfinger(resource);
      expect(response.headers.get('content-type')).toMatch(/^application\/jrd\+json/);
      expect(await response.json()).toEqual({ subject: resource, links: [{ rel: 'http://openid.net/specs/connect/1.0/issuer', href: idp.issuer('open') }] });
    }
  });

  it('answers 404 saying how to name the tenant when several tenants have the user, and 400 without a resource', async () => {
    const ambiguous = await webfinger(`acct:alice@${new URL(idp.url).host}`);
    expect(ambiguous.status).toBe(404);
    expect(JSON.stringify(await ambiguous.json())).toContain('acct:alice+TENANT@host');
    expect((await fetch(`${idp.url}/.well-known/webfinger`)).status).toBe(400);
  });

  it('journals each answer under the tenant it found', async () => {
    const since = idp.journal.lastSeq;
    await webfinger(`${idp.url}/open/alice`);
    expect(idp.journal.query({ since, tenant: 'open', endpoint: 'webfinger' })).toHaveLength(1);
  });
});

describe('registration and request objects by reference', () => {
  it('registers a client that then logs in with a request object signed by its own key, fetched from request_uri', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const registered = await oidc.dynamicClientRegistration(
      new URL(idp.issuer('open')),
      {
        redirect_uris: [REDIRECT_URI],
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'rp-1', alg: 'RS256', use: 'sig' }] },
        request_object_signing_alg: 'RS256',
        token_endpoint_auth_method: 'client_secret_post',
      },
      undefined,
      { execute: [oidc.allowInsecureRequests] },
    );
    const clientId = registered.clientMetadata().client_id;
    const verifier = oidc.randomPKCECodeVerifier();
    const claims = {
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      state: 'st',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    objects.set(
      '/signed',
      await new SignJWT({ ...claims, iss: clientId, aud: idp.issuer('open') })
        .setProtectedHeader({ alg: 'RS256', kid: 'rp-1' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
    );
    const url = `${idp.issuer('open')}/auth?${new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', request_uri: `${objectsBase}/signed` })}`;
    const { params } = await browserlessLogin({ authorizationUrl: url, redirectUri: REDIRECT_URI, username: 'alice' });
    expect(params.get('state')).toBe('st');
    const tokens = await oidc.authorizationCodeGrant(registered, new URL(`${REDIRECT_URI}?${params}`), { pkceCodeVerifier: verifier, expectedState: 'st' });
    expect(tokens.claims()?.sub).toBe('alice');
  });

  it('takes the parameters of an unsigned request object from request_uri as the query (oidc-provider refuses alg none)', async () => {
    const registered = await oidc.dynamicClientRegistration(
      new URL(idp.issuer('open')),
      { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_post' },
      undefined,
      { execute: [oidc.allowInsecureRequests] },
    );
    const clientId = registered.clientMetadata().client_id;
    objects.set(
      '/unsigned',
      new UnsecuredJWT({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state: 'plain',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      }).encode(),
    );
    const url = `${idp.issuer('open')}/auth?${new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', request_uri: `${objectsBase}/unsigned` })}`;
    const { params } = await browserlessLogin({ authorizationUrl: url, redirectUri: REDIRECT_URI, username: 'alice' });
    expect(params.get('state')).toBe('plain');
    expect(params.get('code')).toBeTruthy();
  });

  it('answers 400 invalid_request_uri when the request object cannot be fetched', async () => {
    const response = await fetch(
      `${idp.issuer('open')}/auth?${new URLSearchParams({ client_id: 'x', response_type: 'code', scope: 'openid', request_uri: `${objectsBase}/missing` })}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request_uri' });
  });

  it('refuses registration on a tenant that does not enable it', async () => {
    await expect(
      oidc.dynamicClientRegistration(new URL(idp.issuer('default')), { redirect_uris: [REDIRECT_URI] }, undefined, { execute: [oidc.allowInsecureRequests] }),
    ).rejects.toThrow();
  });
});

describe('signed userinfo', () => {
  it('answers userinfo as a JWT signed with the tenant key for a client with userinfoAlg', async () => {
    const rp = await relyingParty(idp.issuer('default'), 'signed', { secret: 'signed-secret', metadata: { redirect_uris: [REDIRECT_URI] } });
    const { tokens } = await loginWithCode(rp, { username: 'alice' });
    const response = await fetch(`${idp.issuer('default')}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(response.headers.get('content-type')).toMatch(/^application\/jwt/);
    const { payload, protectedHeader } = await jwtVerify(await response.text(), createRemoteJWKSet(new URL(`${idp.issuer('default')}/jwks`)), {
      issuer: idp.issuer('default'),
      audience: 'signed',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe('alice');
  });
});
