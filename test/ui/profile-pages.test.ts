import { describe, expect, it } from 'vitest';
import { screenshotPath } from '../support/browser.ts';
import { browserWorld } from '../support/browser-world.ts';

const world = browserWorld({
  tenant: 'contoso',
  client: 'portal',
  tenants: (callback) => ({
    contoso: {
      displayName: 'Contoso',
      profile: { name: 'entra', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
      users: { megan: { name: 'Megan Bowen', email: 'megan@contoso.test', groups: ['sales'] }, adele: { name: 'Adele Vance', email: 'adele@contoso.test' } },
      clients: { portal: { name: 'Contoso Portal', redirectUris: [callback] } },
    },
  }),
});

describe('profile-flavoured pages in a real browser', () => {
  it('an Entra tenant shows its product, tenant name and id, and an account picker that signs the person in at the RP', async () => {
    const page = await world.browser.newPage();
    await page.goto(`${world.rp.url}/login`);
    await expect.poll(() => page.locator('p.brand').textContent()).toContain('Microsoft Entra ID');
    expect(await page.locator('p.brand').textContent()).toContain('contoso · tenant 72f988bf-86f1-41af-91ab-2d7cd011db47');
    expect(await page.getByRole('heading', { name: 'Sign in to Contoso' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Pick an account' }).count()).toBe(1);
    const accent = await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--accent').trim());
    expect(accent).toBe('#0067b8');
    await page.screenshot({ path: await screenshotPath('login-page-entra') });
    await page.getByRole('button', { name: /Megan Bowen/ }).click();
    await page.waitForURL(`${world.rp.url}/callback**`);
    expect(await page.textContent('#who')).toMatch(/^Signed in as .+/);
    await page.close();
  });
});
