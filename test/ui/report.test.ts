import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWithReports } from '../../harness/report/run-with-reports.ts';
import { scenarioDir } from '../harness/support/scenarios.ts';
import { launchChromium, screenshotPath } from '../support/browser.ts';

const PASSING = `
name: the authenticator turns a code into string claims
tags: [authenticator]
target: authenticator
steps:
  - login: { user: alice }
  - call: authenticator.login
    expect: { status: 200 }
`;

const FAILING = `
name: an ID token expected for another user
tags: [idp, demo-failure]
steps:
  - login: { user: alice, client: demo }
    expect: { claims: { tokens.id_token: { sub: mallory } } }
`;

let browser: Browser;
let reportUrl: string;

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'mockidp-report-'));
  const { written } = await runWithReports(
    { paths: [await scenarioDir({ 'a-passing.yaml': PASSING, 'b-failing.yaml': FAILING })] },
    { reporters: ['html'], outDir: out, stream: process.stdout },
  );
  reportUrl = pathToFileURL(written.find((path) => path.endsWith('.html'))!).toString();
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

describe('the HTML report in a real browser', () => {
  it('opens with the failed scenario first and expanded, showing its sequence diagram', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(reportUrl);
    const first = page.locator('details.scenario').first();
    await expect.poll(() => first.getAttribute('data-status')).toBe('failed');
    expect(await first.getAttribute('open')).not.toBeNull();
    await expect.poll(() => first.locator('svg.sequence').isVisible()).toBe(true);
    expect(await first.locator('svg.sequence g.msg').count()).toBeGreaterThan(3);
    await page.screenshot({ path: await screenshotPath('report-failed-scenario'), fullPage: false });
    await page.close();
  });

  it('shows the decoded ID token with the offending claim highlighted when the token response is clicked', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(reportUrl);
    const failed = page.locator('details.scenario[data-status="failed"]');
    await failed.locator('svg.sequence g.msg', { hasText: 'POST /' }).filter({ hasText: 'token' }).first().click();
    const detail = page.locator('#detail');
    await expect.poll(() => detail.textContent()).toContain('id_token');
    const offending = detail.locator('.offending');
    await expect.poll(() => offending.count()).toBeGreaterThan(0);
    expect(await offending.first().textContent()).toContain('sub');
    await page.screenshot({ path: await screenshotPath('report-token-detail'), fullPage: false });
    await page.close();
  });

  it('filters scenarios by status and by text', async () => {
    const page = await browser.newPage();
    await page.goto(reportUrl);
    await page.getByRole('button', { name: 'Passed' }).click();
    await expect.poll(() => page.locator('details.scenario:visible').count()).toBe(1);
    expect(await page.locator('details.scenario:visible summary').textContent()).toContain('string claims');
    await page.getByRole('button', { name: 'All' }).click();
    await page.getByLabel('Filter scenarios').fill('demo-failure');
    await expect.poll(() => page.locator('details.scenario:visible').count()).toBe(1);
    expect(await page.locator('details.scenario:visible summary').textContent()).toContain('another user');
    await page.close();
  });
});
