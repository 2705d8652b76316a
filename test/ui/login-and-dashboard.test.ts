import { describe, expect, it } from 'vitest';
import { startMockIdp } from '../../mock-idp/index.ts';
import { screenshotPath } from '../support/browser.ts';
import { browserWorld } from '../support/browser-world.ts';

const world = browserWorld({
  tenant: 'default',
  client: 'webapp',
  tenants: (callback) => ({
    default: {
      displayName: 'Example Corp',
      users: { alice: { name: 'Alice Anders', email: 'alice@example.test', groups: ['admins'] }, bob: { name: 'Bob Brown', groups: ['developers'] } },
      clients: { webapp: { name: 'Web App', redirectUris: [callback] } },
    },
  }),
});

describe('login page in a real browser', () => {
  it('lets a person pick a test user and brings the tokens to the relying party', async () => {
    const page = await world.browser.newPage();
    await page.goto(`${world.rp.url}/login`);
    await expect.poll(() => page.title()).toContain('Sign in');
    await page.screenshot({ path: await screenshotPath('login-page') });
    await page.getByRole('button', { name: /Alice Anders/ }).click();
    await page.waitForURL(`${world.rp.url}/callback**`);
    expect(await page.textContent('#who')).toBe('Signed in as alice');
    expect(await page.textContent('#groups')).toBe('admins');
    await page.close();
  });

  it('signs a person in with the password form using only the keyboard', async () => {
    const page = await world.browser.newPage();
    await page.goto(`${world.rp.url}/login`);
    await page.getByLabel('User name').fill('bob');
    await page.keyboard.press('Tab');
    await page.keyboard.type('bob');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${world.rp.url}/callback**`);
    expect(await page.textContent('#who')).toBe('Signed in as bob');
    await page.close();
  });

  it('puts the claims typed on the page into the ID token and userinfo the relying party gets', async () => {
    const page = await world.browser.newPage();
    await page.goto(`${world.rp.url}/login`);
    await page.getByLabel('Extra claims for this login').fill('{"department": "research", "clearance": ["secret"]}');
    await page.screenshot({ path: await screenshotPath('login-page-claims') });
    await page.getByRole('button', { name: /Alice Anders/ }).click();
    await page.waitForURL(`${world.rp.url}/callback**`);
    expect(JSON.parse((await page.textContent('#id-token-claims'))!)).toMatchObject({ sub: 'alice', department: 'research', clearance: ['secret'] });
    expect(JSON.parse((await page.textContent('#userinfo'))!)).toMatchObject({ sub: 'alice', department: 'research', clearance: ['secret'] });
    await page.close();
  });

  it('keeps the person on the page with an alert when the typed claims are not JSON', async () => {
    const page = await world.browser.newPage();
    await page.goto(`${world.rp.url}/login`);
    await page.getByLabel('Extra claims for this login').fill('department: research');
    await page.getByRole('button', { name: /Bob Brown/ }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('"claims" is not valid JSON');
    expect(await page.getByLabel('Extra claims for this login').inputValue()).toBe('department: research');
    await page.getByLabel('Extra claims for this login').fill('{"department": "sales"}');
    await page.getByRole('button', { name: /Bob Brown/ }).click();
    await page.waitForURL(`${world.rp.url}/callback**`);
    expect(JSON.parse((await page.textContent('#id-token-claims'))!)).toMatchObject({ sub: 'bob', department: 'sales' });
    await page.close();
  });

  it('shows the error next to the form when the password is wrong', async () => {
    const page = await world.browser.newPage();
    await page.goto(`${world.rp.url}/login`);
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password').fill('not-her-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong password');
    await page.close();
  });
});

describe('dashboard in a real browser', () => {
  it('shows a login live in the journal, with the decoded ID token on click', async () => {
    const dashboard = await world.browser.newPage();
    await dashboard.goto(`${world.idp.url}/_ui`);
    await expect.poll(() => dashboard.locator('#issuer').textContent()).toContain(`${world.idp.url}/default`);

    const person = await world.browser.newPage();
    await person.goto(`${world.rp.url}/login`);
    await person.getByRole('button', { name: /Bob Brown/ }).click();
    await person.waitForURL(`${world.rp.url}/callback**`);

    const tokenRow = dashboard.locator('#journal tbody tr', { hasText: 'token' }).filter({ hasText: 'bob' }).first();
    await tokenRow.waitFor({ timeout: 5000 });
    await tokenRow.click();
    await expect.poll(() => dashboard.locator('#entry-body').textContent()).toContain('"sub": "bob"');
    await dashboard.screenshot({ path: await screenshotPath('dashboard'), fullPage: true });
    await person.close();
    await dashboard.close();
  });

  it('disables a user from the dashboard through the admin API', async () => {
    const dashboard = await world.browser.newPage();
    await dashboard.goto(`${world.idp.url}/_ui`);
    await dashboard.getByRole('button', { name: 'Disable bob' }).click();
    await dashboard.getByRole('button', { name: 'Enable bob' }).waitFor();
    expect((await world.idp.admin.users.list('default')).find((user) => user['username'] === 'bob')).toMatchObject({ disabled: true });
    await dashboard.getByRole('button', { name: 'Enable bob' }).click();
    await dashboard.getByRole('button', { name: 'Disable bob' }).waitFor();
    await dashboard.close();
  });

  it('moves the tenant clock and rotates keys from the dashboard', async () => {
    const dashboard = await world.browser.newPage();
    await dashboard.goto(`${world.idp.url}/_ui`);
    await dashboard.getByRole('button', { name: '+1 h' }).click();
    await expect.poll(async () => (await world.idp.admin.clock.get('default')).offsetSeconds).toBe(3600);
    await dashboard.getByRole('button', { name: 'Real time' }).click();
    await expect.poll(async () => (await world.idp.admin.clock.get('default')).offsetSeconds).toBe(0);
    await dashboard.getByRole('button', { name: 'Rotate ES256' }).click();
    await expect.poll(() => dashboard.locator('#keys tbody tr', { hasText: 'retired' }).count()).toBe(1);
    await dashboard.close();
  });
});

describe('fault toggles in the dashboard', () => {
  it('adding a fault in the dashboard changes the next token, and removing it restores the login', async () => {
    const dashboard = await world.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await dashboard.goto(`${world.idp.url}/_ui`);
    await dashboard.getByLabel('Make the IdP misbehave').selectOption({ label: 'Token content: ID token with another issuer' });
    await dashboard.getByRole('button', { name: 'Add fault' }).click();
    await dashboard.getByRole('button', { name: /^Remove fault / }).waitFor();
    expect(await world.idp.admin.faults.list('default')).toEqual([expect.objectContaining({ note: 'ID token with another issuer' })]);

    const person = await world.browser.newPage();
    await person.goto(`${world.rp.url}/login`);
    await person.getByRole('button', { name: /Alice Anders/ }).click();
    await person.waitForURL(`${world.rp.url}/callback**`);
    expect(await person.textContent('body')).not.toContain('Signed in as alice');
    const faultRow = dashboard.locator('#journal tbody tr', { hasText: 'ID token with another issuer' }).first();
    await faultRow.waitFor({ timeout: 5000 });
    await dashboard.screenshot({ path: await screenshotPath('dashboard-fault'), fullPage: false });

    await dashboard.getByRole('button', { name: /^Remove fault / }).click();
    await expect.poll(() => world.idp.admin.faults.list('default')).toEqual([]);
    await person.goto(`${world.rp.url}/login`);
    await person.waitForURL(`${world.rp.url}/callback**`);
    expect(await person.textContent('#who')).toBe('Signed in as alice');
    await person.close();
    await dashboard.close();
  });
});

describe('dashboard with an admin token', () => {
  it('asks for the token and then shows the tenant', async () => {
    const guarded = await startMockIdp({ server: { logLevel: 'silent', adminToken: 'dashboard-token-1' }, tenants: { locked: {} } });
    try {
      const page = await world.browser.newPage();
      await page.goto(`${guarded.url}/_ui`);
      await page.getByLabel('Admin token').fill('dashboard-token-1');
      await page.getByRole('button', { name: 'Use token' }).click();
      await expect.poll(() => page.locator('#issuer').textContent()).toContain(`${guarded.url}/locked`);
      await page.close();
    } finally {
      await guarded.close();
    }
  });
});
