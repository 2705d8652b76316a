import { describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { decodeJwt } from 'jose';
import { FLAWS, startAuthenticator, startBearerApi, startSts, type FlawName } from '../../components/index.ts';
import { REDIRECT_URI, clientCredentialsToken, dpopBoundToken, lakefsCode, startComponentIdp, withTenantClock } from './support/idp.ts';
import { authenticatorOptions, postJson, started } from './support/components.ts';
import { hmacWithPublicKey, remint, signedWithForeignKey, unsigned } from './support/bad-tokens.ts';
import { startTokenTamperer, type Tamper } from './support/token-tamperer.ts';
import { assumeParams, ROLE_ARN, stsCall, stsError } from './support/sts.ts';
import { deviceWorld } from './support/device-world.ts';

/*
 * The suite catches every flaw: for each deliberate flaw, one black-box scenario that the correct
 * component passes and the flawed variant fails. (The full scenario library in scenarios/ does
 * the same through the harness; these are the component tests' own proof.)
 */

const idp = await startComponentIdp();
const issuer = idp.issuer('default');

/** What a scenario observed, and what the correct and the flawed component must show. */
interface Scenario {
  observe(flaw: FlawName | undefined): Promise<unknown>;
  correct: unknown;
  flawed: unknown;
}

async function authenticatorLogin(flaw: FlawName | undefined, tamper?: Tamper) {
  const tamperer = await startTokenTamperer(idp);
  tamperer.tamper(tamper);
  const running = await started(startAuthenticator(authenticatorOptions(idp, { discoveryUrl: tamperer.discoveryUrl, flaw })));
  return { url: running.url, login: async () => postJson(`${running.url}/sts/login`, await lakefsCode(idp)) };
}

const scenario = (correct: unknown, flawed: unknown, observe: Scenario['observe']): Scenario => ({ observe, correct, flawed });

/** The status of a login whose ID token the IdP's token endpoint answer carried was tampered with. */
const tamperedLoginStatus = (tamper: Tamper): Scenario =>
  scenario(401, 200, async (flaw) => {
    const { login } = await authenticatorLogin(flaw, tamper);
    return (await login()).status;
  });

let rotations = 0;
const sts = (flaw: FlawName | undefined, options = {}) => started(startSts({ issuer, clientIds: ['sts-client'], flaw, ...options }));
const mintForSts = async (claims: Record<string, unknown> = {}) => (await idp.admin.mint('default', { user: 'alice', client: 'sts-client', claims })).token;
const bearer = (flaw: FlawName | undefined) =>
  started(startBearerApi({ issuer, audiences: ['api://storage'], roleMapping: { mode: 'user', map: { admins: 'admin', 'admin-app': 'admin' } }, flaw }));

const SCENARIOS: Record<FlawName, Scenario> = {
  'skip-aud-check': tamperedLoginStatus((token) => remint(idp, token, { aud: 'other' })),
  'accept-alg-none': tamperedLoginStatus(async (token) => unsigned(token)),
  'accept-hs256-with-public-key': tamperedLoginStatus((token) => hmacWithPublicKey(idp, token)),
  'trust-unverified-iss': tamperedLoginStatus((token) => remint(idp, token, { iss: idp.issuer('evil') }, { tenant: 'evil' })),
  'never-refetch-jwks': scenario(200, 401, async (flaw) => {
    rotations += 1;
    const tenant = `rotating-${rotations}`;
    await idp.admin.addTenant(tenant, {
      users: { alice: {} },
      clients: { lakefs: { secret: 'lakefs-secret', redirectUris: [REDIRECT_URI], grants: ['authorization_code'] } },
    });
    const running = await started(startAuthenticator(authenticatorOptions(idp, { issuer: idp.issuer(tenant), flaw })));
    await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { tenant }));
    await idp.admin.keys.rotate(tenant, { alg: 'RS256' });
    return (await postJson(`${running.url}/sts/login`, await lakefsCode(idp, { tenant }))).status;
  }),
  'ignore-exp': scenario(401, 200, async (flaw) => {
    const { login } = await authenticatorLogin(flaw);
    return (await withTenantClock(idp, 'default', -3900, login)).status; // expired 5 minutes ago
  }),
  'unbounded-skew': scenario(401, 200, async (flaw) => {
    const { login } = await authenticatorLogin(flaw);
    return (await withTenantClock(idp, 'default', 3600, login)).status; // issued an hour from now
  }),
  'accept-reused-code': scenario(401, 200, async (flaw) => {
    const { url } = await authenticatorLogin(flaw);
    const code = await lakefsCode(idp);
    await postJson(`${url}/sts/login`, code);
    return (await postJson(`${url}/sts/login`, code)).status;
  }),
  'leak-non-string-claims': scenario('strings only', 'typed values', async (flaw) => {
    const { login } = await authenticatorLogin(flaw);
    const { claims } = (await login()).body as { claims: Record<string, unknown> };
    return Object.values(claims).every((value) => typeof value === 'string') ? 'strings only' : 'typed values';
  }),
  'ignore-duration-bounds': scenario('400 ValidationError', '200 undefined', async (flaw) => {
    const reply = await stsCall((await sts(flaw)).url, assumeParams(await mintForSts(), { DurationSeconds: '899' }));
    return `${reply.status} ${stsError(reply)?.Code}`;
  }),
  'skip-iss-check': scenario('InvalidIdentityToken', undefined, async (flaw) => {
    const reply = await stsCall((await sts(flaw)).url, assumeParams(await mintForSts({ iss: 'https://accounts.example.com' })));
    return stsError(reply)?.Code;
  }),
  'skip-sigv4-verification': scenario('SignatureDoesNotMatch', 'accepted', async (flaw) => {
    const { url } = await sts(flaw);
    const out = await new STSClient({ endpoint: url, region: 'us-east-1', maxAttempts: 1 }).send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'alice', WebIdentityToken: await mintForSts() }),
    );
    const wrongSecret = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: 'W'.repeat(40), sessionToken: out.Credentials!.SessionToken! };
    const attempt = new STSClient({ endpoint: url, region: 'us-east-1', credentials: wrongSecret, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));
    return attempt.then(
      () => 'accepted',
      (error: { name?: string }) => error.name,
    );
  }),
  'uncapped-lakefs-ttl': scenario(43200, 50000, async (flaw) => {
    const authenticator = await started(startAuthenticator(authenticatorOptions(idp)));
    const { url } = await sts(flaw, { authenticatorUrl: `${authenticator.url}/api/v1` });
    const reply = await postJson(`${url}/api/v1/sts/login`, { ...(await lakefsCode(idp)), ttl_seconds: 50000 });
    const claims = decodeJwt(reply.body['token'] as string);
    return claims.exp! - claims.iat!;
  }),
  'roles-from-unverified-claim': scenario(401, 200, async (flaw) => {
    const forged = await signedWithForeignKey(
      {
        iss: issuer,
        aud: 'api://storage',
        sub: 'mallory',
        client_id: 'cli',
        groups: ['admins'],
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 600,
      },
      'forged',
    );
    const response = await fetch(`${(await bearer(flaw)).url}/roles/admin`, { headers: { authorization: `Bearer ${forged}` } });
    return response.status;
  }),
  'ignore-token-kind': scenario(403, 200, async (flaw) => {
    const appToken = await clientCredentialsToken(idp, 'admin-app', 'admin-app-secret');
    const response = await fetch(`${(await bearer(flaw)).url}/roles/admin`, { headers: { authorization: `Bearer ${appToken}` } });
    return response.status;
  }),
  'ignore-dpop-binding': scenario(401, 200, async (flaw) => {
    const { token } = await dpopBoundToken(idp, 'dpop-app', 'dpop-app-secret');
    const api = await started(startBearerApi({ issuer, audiences: ['api://storage'], roleMapping: { mode: 'app', map: { 'dpop-app': 'writer' } }, flaw }));
    return (await fetch(`${api.url}/whoami`, { headers: { authorization: `Bearer ${token}` } })).status;
  }),
  // The flawed CLI keeps its pace, and the IdP keeps answering slow_down: its first four waits are enough to tell.
  'ignore-slow-down': scenario([5000, 5000, 10000], [5000, 5000, 5000, 5000], async (flaw) => {
    const world = await deviceWorld(idp, { person: { onWait: 3 }, elapsed: (wait, asked) => (wait <= 2 ? 3000 : asked) });
    try {
      await world.run(['login', '--issuer', issuer, '--client-id', 'cli-opaque', ...(flaw ? ['--flaw', flaw] : [])]);
    } finally {
      await idp.admin.clock.set('default', { offsetSeconds: 0 });
    }
    return world.sleeps.slice(0, 4);
  }),
  'world-readable-session': scenario('600', '644', async (flaw) => {
    const world = await deviceWorld(idp);
    try {
      await world.run(['login', '--issuer', issuer, '--client-id', 'cli-opaque', ...(flaw ? ['--flaw', flaw] : [])]);
    } finally {
      await idp.admin.clock.set('default', { offsetSeconds: 0 });
    }
    return ((await stat(world.sessionPath)).mode & 0o777).toString(8);
  }),
};

describe('every flaw is caught by a scenario that the correct component passes', () => {
  it('has a scenario for every flaw in FLAWS', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(FLAWS.map((flaw) => flaw.name).sort());
  });

  for (const flaw of FLAWS) {
    it(`catches ${flaw.name} (${flaw.component}): ${flaw.caughtBy}`, async () => {
      const { observe, correct, flawed } = SCENARIOS[flaw.name];
      expect({ correct: await observe(undefined), flawed: await observe(flaw.name) }).toEqual({ correct, flawed });
    });
  }
});
