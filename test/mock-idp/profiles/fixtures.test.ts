import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startAuthenticator } from '../../../components/index.ts';
import { browserlessLogin } from '../../../harness/actors/browserless-login.ts';
import { loadConfigFile, startMockIdp, type MockIdp } from '../../../mock-idp/index.ts';
import { loginWithCode, relyingParty } from '../../support/idp.ts';
import { discovery, REDIRECT_URI } from './support.ts';

/*
 * The fixtures in fixtures/profiles/ (realistic users per provider) load, serve, and give the claim
 * shapes their comments promise; openid-client and the reference authenticator log in against each
 * profiled tenant whose discovery a strict client accepts (Entra common and Google's scheme-less issuer
 * are refused by design: entra.test.ts and google.test.ts show how).
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/profiles/${name}.yaml`, import.meta.url));

const started = new Map<string, MockIdp>();
async function idpOf(name: string): Promise<MockIdp> {
  const existing = started.get(name);
  if (existing) return existing;
  const config = await loadConfigFile(fixture(name));
  const idp = await startMockIdp({ ...config, server: { ...config.server, port: 0, logLevel: 'silent' } });
  started.set(name, idp);
  return idp;
}
afterAll(async () => Promise.all([...started.values()].map((idp) => idp.close())));

interface Case {
  fixture: string;
  tenant: string;
  user: string;
  post?: boolean;
  claims: (claims: Record<string, unknown>, idp: MockIdp) => void;
}

const cases: Case[] = [
  {
    fixture: 'entra',
    tenant: 'contoso',
    user: 'adele',
    claims: (claims) => {
      expect(claims).toMatchObject({
        oid: '6e03c2e4-3b0c-4f3d-9f5b-0c8d0a1b2c3d',
        tid: '3f6c2b1a-5d4e-4c7b-9a8f-1e2d3c4b5a69',
        preferred_username: 'AdeleV@contoso.onmicrosoft.com',
        ver: '2.0',
      });
      expect(claims['groups']).toHaveLength(3);
      expect((claims['groups'] as string[]).every((group) => GUID.test(group))).toBe(true);
    },
  },
  {
    fixture: 'entra',
    tenant: 'legacy',
    user: 'megan',
    claims: (claims, idp) => {
      expect(claims).toMatchObject({
        iss: `${idp.url}/legacy/3f6c2b1a-5d4e-4c7b-9a8f-1e2d3c4b5a69/`,
        unique_name: 'MeganB@contoso.onmicrosoft.com',
        ver: '1.0',
      });
      expect(claims['oid']).toMatch(GUID);
    },
  },
  { fixture: 'entra', tenant: 'consumers', user: 'sam', claims: (claims) => expect(claims['tid']).toBe('9188040d-6c67-4c5b-b112-36a304b66dad') },
  {
    fixture: 'google',
    tenant: 'google',
    user: 'liz',
    post: true,
    claims: (claims) => expect(claims).toMatchObject({ sub: '110248495921238986420', hd: 'altostrat.com', email_verified: true }),
  },
  {
    fixture: 'google',
    tenant: 'google',
    user: 'sam',
    post: true,
    claims: (claims) => {
      expect(claims['sub']).toMatch(/^\d{21}$/);
      expect(claims).not.toHaveProperty('hd');
    },
  },
  {
    fixture: 'adfs',
    tenant: 'adfs',
    user: 'jsmith',
    claims: (claims, idp) =>
      expect(claims).toMatchObject({
        iss: `${idp.url}/adfs/adfs`,
        upn: 'jsmith@corp.contoso.com',
        unique_name: 'CORP\\jsmith',
        group: ['Domain Users', 'VPN Users', 'SAP-Finance-RW'],
      }),
  },
  {
    fixture: 'adfs',
    tenant: 'adfs2016',
    user: 'akumar',
    claims: (claims) => expect(claims).toMatchObject({ upn: 'akumar@corp.contoso.com', group: 'Domain Users' }),
  },
  {
    fixture: 'auth0',
    tenant: 'shop',
    user: 'maria',
    claims: (claims) =>
      expect(claims).toMatchObject({
        sub: 'auth0|64f1c2d3e4a5b6c7d8e9f012',
        'https://shop.example.com/roles': ['shop-admin'],
        'https://shop.example.com/groups': ['customers'],
      }),
  },
  { fixture: 'auth0', tenant: 'shop', user: 'tom', claims: (claims) => expect(claims['sub']).toBe('google-oauth2|104857263849576102938') },
  {
    fixture: 'okta',
    tenant: 'okta',
    user: 'isabella',
    claims: (claims, idp) => expect(claims).toMatchObject({ sub: '00u1ab2cd3EF4gh5ij6k', iss: `${idp.url}/okta/oauth2/default` }),
  },
  {
    fixture: 'okta',
    tenant: 'okta-org',
    user: 'noah',
    claims: (claims, idp) => expect(claims).toMatchObject({ sub: '00u7lm8no9PQ0rs1tu2v', iss: `${idp.url}/okta-org` }),
  },
  {
    fixture: 'keycloak',
    tenant: 'keycloak',
    user: 'lena',
    claims: (claims) =>
      expect(claims).toMatchObject({
        sub: '8d3f5a2e-1c4b-4f6a-9e7d-2b1c0a9f8e7d',
        typ: 'ID',
        realm_access: { roles: ['offline_access', 'uma_authorization', 'shop-admin', 'default-roles-shop'] },
      }),
  },
  {
    fixture: 'keycloak',
    tenant: 'keycloak-legacy',
    user: 'omar',
    claims: (claims, idp) => expect(claims['iss']).toBe(`${idp.url}/keycloak-legacy/auth/realms/shop`),
  },
];

describe('fixtures/profiles: openid-client logs in', () => {
  for (const { fixture: name, tenant, user, post, claims } of cases) {
    it(`${name}.yaml, tenant ${tenant}: ${user} logs in and the ID token has the provider's claim shapes`, async () => {
      const idp = await idpOf(name);
      const rp = await relyingParty(idp.issuer(tenant), 'web', { auth: post ? oidc.ClientSecretPost('web-secret') : oidc.ClientSecretBasic('web-secret') });
      claims((await loginWithCode(rp, { username: user })).tokens.claims() as Record<string, unknown>, idp);
    });
  }
});

describe('fixtures/profiles: the reference authenticator logs in', () => {
  for (const { fixture: name, tenant, user, post } of cases.filter((entry, index) => cases.findIndex((other) => other.tenant === entry.tenant) === index)) {
    it(`${name}.yaml, tenant ${tenant}: /sts/login redeems ${user}'s code`, async () => {
      const idp = await idpOf(name);
      const authenticator = await startAuthenticator({
        issuer: idp.issuer(tenant),
        clientId: 'web',
        clientSecret: 'web-secret',
        ...(post ? { tokenEndpointAuthMethod: 'client_secret_post' as const } : {}),
      });
      try {
        const verifier = randomBytes(32).toString('base64url');
        const query = new URLSearchParams({
          client_id: 'web',
          response_type: 'code',
          scope: 'openid profile email groups',
          redirect_uri: REDIRECT_URI,
          state: verifier,
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
        });
        const { params } = await browserlessLogin({
          authorizationUrl: `${String((await discovery(idp, tenant))['authorization_endpoint'])}?${query}`,
          redirectUri: REDIRECT_URI,
          username: user,
        });
        const reply = await fetch(`${authenticator.url}/api/v1/sts/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: params.get('code'), state: verifier, redirect_uri: REDIRECT_URI }),
        });
        const body = (await reply.json()) as { claims?: Record<string, string> };
        expect(reply.status, JSON.stringify(body)).toBe(200);
        expect(body.claims?.['iss']).toBe(idp.issuer(tenant));
      } finally {
        await authenticator.close();
      }
    });
  }
});

describe('fixtures/profiles: the realistic edges', () => {
  it('entra.yaml: diego, in 205 groups, gets the groups overage instead of a groups claim', async () => {
    const idp = await idpOf('entra');
    const claims = (await loginWithCode(await relyingParty(idp.issuer('contoso'), 'web', { secret: 'web-secret' }), { username: 'diego' })).tokens.claims()!;
    expect(claims).not.toHaveProperty('groups');
    expect(claims['_claim_names']).toEqual({ groups: 'src1' });
  });

  it('entra.yaml: the common tenant serves the {tenantid} placeholder, which openid-client refuses', async () => {
    const idp = await idpOf('entra');
    expect((await discovery(idp, 'common')).issuer).toBe(`${idp.url}/common/{tenantid}/v2.0`);
    await expect(relyingParty(idp.issuer('common'), 'web', { secret: 'web-secret' })).rejects.toThrow(/issuer/);
  });

  it('every fixture refuses its disabled users', async () => {
    for (const [name, tenant, user] of [
      ['entra', 'contoso', 'retired'],
      ['adfs', 'adfs', 'svc-backup'],
    ] as const) {
      const idp = await idpOf(name);
      const rp = await relyingParty(idp.issuer(tenant), 'web', { secret: 'web-secret' });
      await expect(loginWithCode(rp, { username: user }), `${name}/${user}`).rejects.toThrow(/403|disabled/i);
    }
  });
});

describe('fixtures/profiles: access tokens', () => {
  it("keycloak.yaml: lena's access token is a 5-minute Bearer token with her realm roles and client roles", async () => {
    const idp = await idpOf('keycloak');
    const { tokens } = await loginWithCode(await relyingParty(idp.issuer('keycloak'), 'web', { secret: 'web-secret' }), { username: 'lena' });
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({
      typ: 'Bearer',
      azp: 'web',
      realm_access: { roles: expect.arrayContaining(['shop-admin']) },
      resource_access: { web: { roles: ['catalog-editor'] } },
    });
    expect(claims.exp! - claims.iat!).toBe(300);
  });

  it("okta.yaml: isabella's access token carries cid, uid and scp as an array", async () => {
    const idp = await idpOf('okta');
    const { tokens } = await loginWithCode(await relyingParty(idp.issuer('okta'), 'web', { secret: 'web-secret' }), { username: 'isabella' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ ver: 1, cid: 'web', uid: '00u1ab2cd3EF4gh5ij6k', scp: expect.any(Array) });
  });

  it("adfs.yaml: the payroll client's access token comes from the /adfs/services/trust issuer, its ID token from /adfs", async () => {
    const idp = await idpOf('adfs');
    const { tokens } = await loginWithCode(await relyingParty(idp.issuer('adfs'), 'api-client', { secret: 'api-client-secret' }), { username: 'jsmith' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      iss: `${idp.url}/adfs/adfs/services/trust`,
      aud: 'https://payroll.contoso.com/api',
      upn: 'jsmith@corp.contoso.com',
      appid: 'api-client',
    });
    expect(tokens.claims()!.iss).toBe(`${idp.url}/adfs/adfs`);
  });
});
