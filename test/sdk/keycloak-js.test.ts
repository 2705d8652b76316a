import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { chromiumTrusting, startSpa } from './browser-app.ts';
import { fixtureIdp, ROOT, siteCertificate } from './support.ts';

/*
 * keycloak-js in Chromium against the Keycloak profile (realm shop of fixtures/profiles/keycloak.yaml),
 * with its defaults (third-party-cookie check and login-status iframe on, PKCE S256, fragment
 * responses, the refresh token decoded as a JWT): the Keycloak page's snippet is the app; it calls
 * init login-required, the user signs in on the login page, then updateToken (a refresh) and logout.
 */

const page = await readFile(join(ROOT, 'docs/profiles/snippets/keycloak.keycloak-js.html'), 'utf8');
const spa = await startSpa(
  () => page,
  { '/keycloak.js': 'node_modules/keycloak-js/lib/keycloak.js' },
  // The app over https on the IdP's host: same site, so Chromium lets the IdP's iframes keep their cookies.
  await siteCertificate(),
);
const idp = await fixtureIdp('keycloak', (config) => {
  const client = config.tenants['keycloak']!.clients['spa']!;
  client.redirectUris = [`${spa.origin}/`];
  client.postLogoutRedirectUris = [`${spa.origin}/`];
});
const realm = `${idp.url}/keycloak/realms/shop`;

interface KeycloakInPage {
  token: string;
  subject: string;
  idTokenParsed: Record<string, unknown>;
  updateToken(seconds: number): Promise<boolean>;
  logout(): Promise<void>;
}

describe("keycloak-js in Chromium, Keycloak profile (the Keycloak page's snippet)", () => {
  it('logs in (init login-required, the login page), refreshes with updateToken, and logs out', async () => {
    const browser = await chromiumTrusting(idp);
    const tab = await browser.newPage();
    // The snippet reads the IdP's URL from localStorage (https://127.0.0.1:9400 when unset).
    await tab.goto(`${spa.origin}/keycloak.js`);
    await tab.evaluate((url) => localStorage.setItem('mockidp-url', url), idp.url);
    await tab.goto(`${spa.origin}/`);
    await tab.getByLabel('User name').fill('lena');
    await tab.getByLabel('Password').fill('lena');
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForFunction(() => document.getElementById('who')?.textContent?.startsWith('{'), undefined, { timeout: 20_000 });
    const shown = JSON.parse((await tab.textContent('#who'))!) as Record<string, unknown>;
    expect(shown).toMatchObject({ iss: realm, aud: 'spa', sub: '8d3f5a2e-1c4b-4f6a-9e7d-2b1c0a9f8e7d', typ: 'ID' });

    const before = await tab.evaluate(() => (window as unknown as { keycloak: KeycloakInPage }).keycloak.token);
    const refreshed = await tab.evaluate(async () => {
      const keycloak = (window as unknown as { keycloak: KeycloakInPage }).keycloak;
      const changed = await keycloak.updateToken(-1);
      return { changed, token: keycloak.token };
    });
    expect(refreshed.changed).toBe(true);
    expect(refreshed.token).not.toBe(before);
    expect(decodeJwt(refreshed.token)).toMatchObject({ iss: realm, typ: 'Bearer', azp: 'spa', aud: 'account' });
    // The session checks went through the login-status iframe, which found the app's origin and session.
    const checks = idp.journal.query({ tenant: 'keycloak' }).filter((entry) => entry.path.endsWith('/login-status-iframe.html/init'));
    expect(checks.map((entry) => entry.status)).toEqual([204]);

    await tab.evaluate(() => void (window as unknown as { keycloak: KeycloakInPage }).keycloak.logout());
    await tab.getByRole('button', { name: 'Sign out' }).click();
    // Back in the app, which requires a login: the session is gone, so the IdP asks for one again.
    await tab.waitForURL(`${idp.url}/keycloak/interaction/**`);
    await tab.getByLabel('User name').waitFor();
    expect((await tab.context().cookies(idp.url)).map((cookie) => cookie.name)).not.toContain('KEYCLOAK_SESSION');
  });
});
