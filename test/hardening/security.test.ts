import { afterAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { startMockIdp, defaultConfig, type Logger } from '../../mock-idp/index.ts';
import { relyingParty, loginWithCode } from '../support/idp.ts';
import { UserAgent } from '../../harness/actors/user-agent.ts';

const lines: string[] = [];
const capture = (prefix: string) => (message: string) => lines.push(`${prefix}${message}`);
const logger: Logger = { info: capture(''), warn: capture('warning: '), error: capture('error: '), debug: capture('debug: ') };
const idp = await startMockIdp({ ...defaultConfig, server: { logLevel: 'debug' } }, { logger });
afterAll(() => idp.close());

describe('what the mock promises about secrets', () => {
  it('logs no secret, password, code or token even at debug level', async () => {
    const rp = await relyingParty(idp.issuer(), 'demo');
    const { tokens, verifier } = await loginWithCode(rp, { username: 'alice', password: 'alice' });
    await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    const service = await relyingParty(idp.issuer(), 'service', { auth: oidc.ClientSecretPost('service-secret') });
    const { access_token } = await oidc.clientCredentialsGrant(service);
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of ['service-secret', verifier, tokens.refresh_token!, tokens.access_token, tokens.id_token!, access_token]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/password/);
  });

  it('keeps signatures of issued tokens out of the journal export', async () => {
    const rp = await relyingParty(idp.issuer(), 'demo');
    const { tokens } = await loginWithCode(rp, { username: 'bob' });
    const exported = JSON.stringify(await idp.admin.journal());
    expect(exported).not.toContain(tokens.id_token!.split('.')[2]);
    expect(exported).not.toContain(tokens.access_token);
  });

  it('answers the admin API without secrets: no passwords, no client secrets, no private keys', async () => {
    const dump = JSON.stringify([await idp.admin.users.list('default'), await idp.admin.clients.list('default'), await idp.admin.tenant('default')]);
    expect(dump).not.toContain('service-secret');
    expect(dump).not.toMatch(/"password"|"d":|"privateJwk"/);
  });

  it('sends security headers with its HTML pages: no referrer, no external assets', async () => {
    const page = await fetch(`${idp.url}/_ui`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).not.toMatch(/(src|href)="https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('runs no inline script on the dashboard but its own: the CSP allows scripts by hash only', async () => {
    const policy = (await fetch(`${idp.url}/_ui`)).headers.get('content-security-policy') ?? '';
    const scripts = /script-src ([^;]*)/.exec(policy)?.[1] ?? '';
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).toMatch(/^'sha256-[A-Za-z0-9+/=]+'$/);
  });

  it('refuses to be framed: the dashboard and every page of a login carry frame-ancestors none and X-Frame-Options DENY', async () => {
    const pages: Array<[string, Response]> = [['/_ui', await fetch(`${idp.url}/_ui`)]];
    const ua = new UserAgent();
    const authorize = new URL(`${idp.issuer()}/auth`);
    authorize.search = new URLSearchParams({
      client_id: 'demo',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://127.0.0.1:8080/callback',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    }).toString();
    pages.push(['login page', (await ua.follow(authorize.toString(), { headers: { accept: 'text/html' } })).response]);
    pages.push(['device page', await fetch(`${idp.issuer()}/device`)]);
    pages.push(['logout page', await fetch(`${idp.issuer()}/session/end`)]);
    pages.push(['error page', await fetch(`${idp.issuer()}/auth?client_id=nobody`, { headers: { accept: 'text/html' } })]);
    for (const [name, response] of pages) {
      expect(response.headers.get('content-type'), name).toContain('text/html');
      expect(response.headers.get('x-frame-options'), name).toBe('DENY');
      expect(response.headers.get('content-security-policy'), name).toContain("frame-ancestors 'none'");
    }
  });
});
