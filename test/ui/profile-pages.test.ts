import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { launchChromium, screenshotPath } from '../support/browser.ts';
import { freePort, startRelyingPartyApp } from '../support/relying-party-app.ts';

let browser: Browser;
let idp: MockIdp;
let rp: { url: string; close(): Promise<void> };

beforeAll(async () => {
  const port = await freePort();
  idp = await startMockIdp({
    server: { logLevel: 'silent' },
    tenants: {
      contoso: {
        displayName: 'Contoso',
        profile: { name: 'entra', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
        users: { megan: { name: 'Megan Bowen', email: 'megan@contoso.test', groups: ['sales'] }, adele: { name: 'Adele Vance', email: 'adele@contoso.test' } },
        clients: { portal: { name: 'Contoso Portal', redirectUris: [`http://127.0.0.1:${port}/callback`] } },
      },
    },
  });
  rp = await startRelyingPartyApp({ issuer: idp.issuer('contoso'), clientId: 'portal', port });
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await rp?.close();
  await idp?.close();
});

describe('profile-flavoured pages in a real browser', () => {
  it('an Entra tenant shows its product, tenant name and id, and an account picker that signs the person in at the RP', async () => {
    const page = await browser.newPage();
    await page.goto(`${rp.url}/login`);
    await expect.poll(() => page.locator('p.brand').textContent()).toContain('Microsoft Entra ID');
    expect(await page.locator('p.brand').textContent()).toContain('contoso · tenant 72f988bf-86f1-41af-91ab-2d7cd011db47');
    expect(await page.getByRole('heading', { name: 'Sign in to Contoso' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Pick an account' }).count()).toBe(1);
    const accent = await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--accent').trim());
    expect(accent).toBe('#0067b8');
    await page.screenshot({ path: await screenshotPath('login-page-entra') });
    await page.getByRole('button', { name: /Megan Bowen/ }).click();
    await page.waitForURL(`${rp.url}/callback**`);
    expect(await page.textContent('#who')).toMatch(/^Signed in as .+/);
    await page.close();
  });
});
