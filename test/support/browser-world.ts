import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startMockIdp, type MockIdp, type MockIdpConfigInput } from '../../mock-idp/index.ts';
import { launchChromium } from './browser.ts';
import { freePort, startRelyingPartyApp } from './relying-party-app.ts';

export interface BrowserWorld {
  browser: Browser;
  idp: MockIdp;
  rp: { url: string; close(): Promise<void> };
}

/**
 * A quiet IdP, a relying party for one of its clients and Debian's chromium, for the browser tests
 * of a file; `tenants(callback)` gets the RP's callback URL to register as the client's redirect URI.
 */
export function browserWorld(options: {
  tenant: string;
  client: string;
  tenants: (callback: string) => NonNullable<MockIdpConfigInput['tenants']>;
}): BrowserWorld {
  const world = {} as BrowserWorld;
  beforeAll(async () => {
    const port = await freePort();
    world.idp = await startMockIdp({ server: { logLevel: 'silent' }, tenants: options.tenants(`http://127.0.0.1:${port}/callback`) });
    world.rp = await startRelyingPartyApp({ issuer: world.idp.issuer(options.tenant), clientId: options.client, port });
    world.browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await world.browser?.close();
    await world.rp?.close();
    await world.idp?.close();
  });
  return world;
}
