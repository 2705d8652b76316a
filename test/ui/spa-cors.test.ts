import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { launchChromium } from '../support/browser.ts';
import { freePort } from '../support/relying-party-app.ts';
import { startSpa } from '../support/spa-app.ts';

/*
 * A single-page app with oidc-client-ts, served from another loopback origin than the IdP: every
 * call it makes to the IdP (discovery, token, userinfo, JWKS, revocation) is a CORS request that
 * Chromium checks for real.
 */

let idp: MockIdp;
let spa: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  idp = await startMockIdp({
    server: { logLevel: 'silent' },
    tenants: {
      default: {
        users: { alice: { name: 'Alice Anders', email: 'alice@example.test' } },
        clients: {
          spa: { name: 'SPA', grants: ['authorization_code', 'refresh_token'], redirectUris: [`${origin}/callback`], postLogoutRedirectUris: [`${origin}/`] },
        },
      },
    },
  });
  spa = await startSpa({ authority: idp.issuer('default'), clientId: 'spa', port });
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await spa?.close();
  await idp?.close();
});

/** Calls a navigating method of the app without waiting on its promise (the page goes away). */
async function navigateWith(page: Page, method: 'login' | 'logout', to: RegExp): Promise<void> {
  await Promise.all([
    page.waitForURL(to),
    page.evaluate((name) => void (window as unknown as { app: Record<string, () => Promise<void>> }).app[name]!(), method),
  ]);
}

const startLogin = (page: Page) => navigateWith(page, 'login', /\/interaction\//);

async function signIn(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(spa.url);
  await expect.poll(() => page.textContent('#status')).toBe('signed out');
  await startLogin(page);
  await page.getByRole('button', { name: /Alice Anders/ }).click();
  await page.waitForURL(`${spa.url}/`);
  await expect.poll(() => page.textContent('#status')).toContain('"signedIn": "alice"');
  return page;
}

type App = {
  user(): Promise<{ access_token: string; refresh_token?: string; profile: Record<string, unknown> } | null>;
  refresh(): Promise<{ access_token: string } | null>;
  userinfo(): Promise<{ status: number; body: Record<string, unknown> }>;
  jwks(): Promise<string[]>;
  logout(): Promise<void>;
};
const app = (page: Page) => ({
  user: () => page.evaluate(() => (window as unknown as { app: App }).app.user()),
  refresh: () => page.evaluate(() => (window as unknown as { app: App }).app.refresh()),
  userinfo: () => page.evaluate(() => (window as unknown as { app: App }).app.userinfo()),
  jwks: () => page.evaluate(() => (window as unknown as { app: App }).app.jwks()),
});

describe('a single-page app on another origin (oidc-client-ts in Chromium)', () => {
  it('logs in with PKCE: discovery, token and userinfo answer its origin', async () => {
    const page = await signIn();
    const user = await app(page).user();
    expect(user?.profile).toMatchObject({ sub: 'alice', email: 'alice@example.test', name: 'Alice Anders' });
    const token = idp.journal.query({ tenant: 'default', endpoint: 'token' }).at(-1);
    expect(token).toMatchObject({ status: 200, grantType: 'authorization_code', clientId: 'spa' });
    await page.context().close();
  });

  it('refreshes its tokens from the page with the refresh token', async () => {
    const page = await signIn();
    const before = await app(page).user();
    expect(before?.refresh_token).toBeTruthy();
    const after = await app(page).refresh();
    expect(after?.access_token).toBeTruthy();
    expect(after?.access_token).not.toBe(before?.access_token);
    expect(idp.journal.query({ tenant: 'default', endpoint: 'token' }).at(-1)).toMatchObject({ status: 200, grantType: 'refresh_token' });
    await page.context().close();
  });

  it('calls userinfo and reads the JWKS itself', async () => {
    const page = await signIn();
    expect(await app(page).userinfo()).toMatchObject({ status: 200, body: { sub: 'alice' } });
    const kids = (await idp.admin.keys.list('default')).map((key) => key['kid']);
    expect(await app(page).jwks()).toEqual(expect.arrayContaining(kids));
    await page.context().close();
  });

  it('logs out: revokes its tokens, ends the IdP session and comes back to the app', async () => {
    const page = await signIn();
    await navigateWith(page, 'logout', /\/session\/end/);
    expect(
      idp.journal
        .query({ tenant: 'default', endpoint: 'revocation' })
        .slice(-2)
        .map((entry) => entry.status),
    ).toEqual([200, 200]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${spa.url}/`);
    await page.evaluate(() => (window as unknown as { app: App & { manager: { removeUser(): Promise<void> } } }).app.manager.removeUser());
    await page.goto(spa.url);
    await startLogin(page);
    expect(await page.getByRole('button', { name: /Alice Anders/ }).count()).toBe(1);
    await page.context().close();
  });

  it('sees a network error, not the tokens, when the token endpoint drops its CORS headers', async () => {
    const rule = await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { cors: 'drop' } });
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(spa.url);
      await startLogin(page);
      await page.getByRole('button', { name: /Alice Anders/ }).click();
      await page.waitForURL(`${spa.url}/callback**`);
      await expect.poll(() => page.textContent('#status')).toBe('login failed');
      expect(await page.textContent('#error')).toMatch(/Failed to fetch/);
      // A form POST needs no preflight: the IdP answered (the code is spent), the browser withheld the answer.
      const exchange = idp.journal.query({ tenant: 'default', endpoint: 'token' }).at(-1)!;
      expect([exchange.method, exchange.status, exchange.faults?.map((fault) => fault.id)]).toEqual(['POST', 200, [rule.id]]);
      await page.context().close();
    } finally {
      await idp.admin.faults.clear('default');
    }
  });
});
