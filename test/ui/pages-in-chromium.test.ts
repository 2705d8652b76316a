import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { browserWorld } from '../support/browser-world.ts';

/*
 * What a person's browser (and a script or a screen reader reading the document in order) meets on the IdP's
 * pages: no console errors on load, and on a page that asks for a decision the first choice is the one that
 * allows.
 */

const world = browserWorld({
  tenant: 'default',
  client: 'asking',
  tenants: (callback) => ({
    default: {
      // the device flow polls at once in this test, without waiting for an interval
      deviceFlow: { interval: 1, enforceInterval: false },
      users: { alice: { name: 'Alice Anders' } },
      clients: {
        asking: { name: 'Asking App', redirectUris: [callback], consent: 'prompt' },
        tv: { name: 'Living-room TV', grants: ['device_code'] },
      },
    },
  }),
});

/** Console errors and failed requests of a page, and every URL it asked for, from now on. */
function watch(page: Page): { errors: string[]; requested: string[] } {
  const seen = { errors: [] as string[], requested: [] as string[] };
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('request', (request) => seen.requested.push(request.url()));
  page.on('requestfailed', (request) => seen.errors.push(`request failed: ${request.url()}`));
  return seen;
}

/** Whatever Chromium does after load (a favicon fetch, late scripts) has happened once the network is idle. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
}

/** A page of a browser of its own: Chromium asks for an origin's favicon once per browser, not once per page. */
async function freshPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  const browser = await launchChromium();
  try {
    return await use(await browser.newPage());
  } finally {
    await browser.close();
  }
}

describe('pages load without console errors in Chromium', () => {
  it('loads the dashboard without an error and without asking for /favicon.ico', async () => {
    const seen = await freshPage(async (page) => {
      const seen = watch(page);
      await page.goto(`${world.idp.url}/_ui`);
      await expect.poll(() => page.locator('#issuer').textContent()).toContain(`${world.idp.url}/default`);
      await settle(page);
      return seen;
    });
    expect(seen.errors).toEqual([]);
    expect(seen.requested.filter((url) => url.endsWith('/favicon.ico'))).toEqual([]);
  });

  it('loads the login page without an error and without asking for /favicon.ico', async () => {
    const seen = await freshPage(async (page) => {
      const seen = watch(page);
      await page.goto(`${world.rp.url}/login`);
      await expect.poll(() => page.title()).toContain('Sign in');
      await settle(page);
      return seen;
    });
    expect(seen.errors).toEqual([]);
    expect(seen.requested.filter((url) => url.endsWith('/favicon.ico'))).toEqual([]);
  });
});

describe('decision pages put Allow first', () => {
  it('makes the first form of the consent page the one that allows, and submitting it signs the person in', async () => {
    const page = await (await world.browser.newContext()).newPage();
    await page.goto(`${world.rp.url}/login`);
    await page.getByRole('button', { name: /Alice Anders/ }).click();
    await expect.poll(() => page.title()).toContain('Authorize');
    const first = await page.evaluate(() => ({ action: document.forms[0]!.action, button: document.forms[0]!.querySelector('button')!.textContent }));
    expect(first).toEqual({ action: expect.stringMatching(/\/consent$/), button: 'Allow' });
    await page.evaluate(() => document.forms[0]!.requestSubmit());
    await page.waitForURL(`${world.rp.url}/callback**`);
    expect(await page.textContent('#who')).toBe('Signed in as alice');
    await page.close();
  });

  it("makes Allow the device confirmation's first and default button, and pressing it approves the device", async () => {
    const authorization = await fetch(`${world.idp.issuer('default')}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'tv', scope: 'openid' }),
    });
    const device = (await authorization.json()) as { device_code: string; verification_uri_complete: string };
    const page = await (await world.browser.newContext()).newPage();
    await page.goto(device.verification_uri_complete);
    await expect.poll(() => page.title()).toContain('Confirm device');
    expect(await page.locator('button[form="op.deviceConfirmForm"]').first().textContent()).toBe('Allow');
    const defaultButton = page.locator('button[form="op.deviceConfirmForm"]:default');
    expect(await defaultButton.textContent()).toBe('Allow');
    await defaultButton.click();
    await page.getByRole('button', { name: /Alice Anders/ }).click();
    await expect.poll(() => page.title()).toContain('Device connected');
    const tokens = await fetch(`${world.idp.issuer('default')}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code, client_id: 'tv' }),
    });
    expect(tokens.status).toBe(200);
    await page.close();
  });
});
