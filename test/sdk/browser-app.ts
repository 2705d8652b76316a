import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll } from 'vitest';
import { trustHints, type MockIdp } from '../../mock-idp/index.ts';
import { launchChromium } from '../support/browser.ts';
import { ROOT } from './support.ts';

/*
 * Browser SDKs (okta-auth-js, keycloak-js) in Debian's Chromium: a single-page app served from
 * http://127.0.0.1 (its pages and the SDK file from node_modules), and a Chromium that trusts the
 * IdP's CA because the "Chromium" trust hint of serve --tls was run, as printed, for its HOME.
 */

const run = promisify(execFile);
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Chromium with a HOME of its own whose NSS database trusts the IdP's CA (through the printed hint). */
export async function chromiumTrusting(idp: MockIdp): Promise<Browser> {
  const home = await mkdtemp(join(tmpdir(), 'mockidp-chromium-home-'));
  const hint = trustHints(idp.ca!, `${idp.url}/health`).find((candidate) => candidate.runtime === 'Chromium')!;
  for (const command of hint.commands) await run('sh', ['-c', command], { env: { ...process.env, HOME: home } });
  const browser = await launchChromium({ home });
  cleanups.push(async () => {
    await browser.close();
    await rm(home, { recursive: true, force: true });
  });
  return browser;
}

export interface SpaServer {
  /** http(s)://127.0.0.1:PORT */
  origin: string;
}

/**
 * Serves `html` at every path but the SDK files (`files`: URL path -> file under the repository,
 * e.g. node_modules/keycloak-js/lib/keycloak.js); over https with `tls` (a certificate the browser trusts).
 */
export async function startSpa(html: (origin: string) => string, files: Record<string, string>, tls?: { key: string; cert: string }): Promise<SpaServer> {
  let origin = '';
  const listener: RequestListener = (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = files[path];
    if (file) {
      void readFile(join(ROOT, file)).then(
        (body) => response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(body),
        () => response.writeHead(404).end(),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(origin));
  };
  const server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { origin };
}
