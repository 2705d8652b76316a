import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { startTestIdp, relyingParty, loginWithCode } from '../support/idp.ts';

const idp = await startTestIdp();
const issuer = idp.issuer();

describe('journal', () => {
  it('records each protocol request with tenant, endpoint, client, grant, user, status and latency', async () => {
    const since = idp.journal.lastSeq;
    const rp = await relyingParty(issuer, 'demo');
    await loginWithCode(rp, { username: 'alice' });
    const entries = await idp.admin.journal({ since, tenant: 'default' });
    const token = entries.find((entry) => entry.endpoint === 'token')!;
    expect(token).toMatchObject({ tenant: 'default', method: 'POST', clientId: 'demo', grantType: 'authorization_code', user: 'alice', status: 200 });
    expect(token.latencyMs).toBeGreaterThan(0);
    expect(entries.map((entry) => entry.endpoint)).toEqual(expect.arrayContaining(['discovery', 'authorize', 'interaction', 'token']));
  });

  it('never keeps secrets or whole tokens: secrets become *** and codes keep a short prefix', async () => {
    const since = idp.journal.lastSeq;
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'alice', password: 'alice' });
    await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    const service = await relyingParty(issuer, 'service', { auth: oidc.ClientSecretPost('service-secret') });
    await oidc.clientCredentialsGrant(service);
    const dump = JSON.stringify(await idp.admin.journal({ since }));
    expect(dump).not.toContain('service-secret');
    expect(dump).not.toContain(tokens.refresh_token!);
    expect(dump).not.toContain(tokens.access_token);
    expect(dump).toContain('"client_secret":"***"');
    expect(dump).toMatch(/"code_verifier":"\*\*\*"/);
    expect(dump).toMatch(/"refresh_token":"[^"]{6}…\(\d+\)"/);
  });

  it('masks Basic credentials down to the client id', async () => {
    const since = idp.journal.lastSeq;
    const service = await relyingParty(issuer, 'service', { secret: 'service-secret' });
    await oidc.clientCredentialsGrant(service);
    const [entry] = await idp.admin.journal({ since, endpoint: 'token' });
    expect(entry!.authorization).toBe('Basic service:***');
  });

  it('filters by endpoint, client, status and scenario tag', async () => {
    const since = idp.journal.lastSeq;
    await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-mockidp-scenario': 'tagged-run' },
      body: 'grant_type=client_credentials&client_id=service&client_secret=wrong',
    });
    const tagged = await idp.admin.journal({ since, scenario: 'tagged-run' });
    expect(tagged).toHaveLength(1);
    expect(tagged[0]).toMatchObject({ endpoint: 'token', status: 401, error: 'invalid_client', clientId: 'service' });
    expect(await idp.admin.journal({ since, status: 200, endpoint: 'token' })).toHaveLength(0);
  });

  it('shows the header and claims of issued JWTs, never their signatures', async () => {
    const since = idp.journal.lastSeq;
    const rp = await relyingParty(issuer, 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'bob' });
    const [token] = await idp.admin.journal({ since, endpoint: 'token' });
    expect(token!.tokens).toEqual([
      { field: 'id_token', header: expect.objectContaining({ alg: 'RS256' }), payload: expect.objectContaining({ sub: 'bob', aud: 'demo' }) },
    ]);
    expect(JSON.stringify(token)).not.toContain(tokens.id_token!.split('.')[2]);
  });

  it('can be cleared for one tenant', async () => {
    await fetch(`${issuer}/jwks`);
    await idp.admin.clearJournal('default');
    expect(await idp.admin.journal({ tenant: 'default' })).toEqual([]);
  });
});
