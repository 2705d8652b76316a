import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startMockIdp } from '../../mock-idp/index.ts';
import { startTestIdp } from '../support/idp.ts';

/*
 * With no admin token (the default on loopback) the admin API must not be drivable by a web page
 * the developer happens to visit: no simple cross-site request changes state, and a page that
 * rebinds its own host name to 127.0.0.1 reaches neither the admin API nor the dashboard.
 */

const idp = await startTestIdp({ server: { allowedHosts: ['idp.test'] }, tenants: { default: {} } });
const port = new URL(idp.url).port;

/** A raw request, so that the Host header can be anything (fetch always sends the URL's host). */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${idp.url}${path}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const stateChanges: Array<[string, string]> = [
  ['POST', '/_admin/reset'],
  ['POST', '/_admin/tenants/default/reset'],
  ['POST', '/_admin/tenants/default/keys/rotate'],
  ['POST', '/_admin/tenants/default/grants/revoke'],
  ['POST', '/_admin/tenants/default/sessions/revoke'],
];

describe('admin API against cross-site requests', () => {
  for (const [method, path] of stateChanges) {
    it(`refuses a simple cross-site ${method} ${path} (text/plain, foreign Origin) with a 4xx that says why`, async () => {
      const before = (await idp.admin.keys.list('default')).map((key) => key.kid);
      const response = await raw(path, { method, headers: { origin: 'http://evil.example', 'content-type': 'text/plain' }, body: 'x' });
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'cross_origin_request', error_description: expect.stringContaining('Origin') });
      expect((await idp.admin.keys.list('default')).map((key) => key.kid)).toEqual(before);
    });
  }

  it('refuses a state change without a JSON content type, even from no browser, naming the header', async () => {
    const response = await raw('/_admin/tenants/default/keys/rotate', { method: 'POST' });
    expect(response.status).toBe(415);
    expect(JSON.parse(response.body).error_description).toContain('Content-Type: application/json');
  });

  it('refuses a form post from a page with Origin null', async () => {
    const response = await raw('/_admin/reset', {
      method: 'POST',
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(response.status).toBe(403);
  });

  it('refuses a request a browser marks as cross-site even when it carries JSON', async () => {
    const response = await raw('/_admin/reset', {
      method: 'POST',
      headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(403);
  });

  it('accepts a same-origin JSON request, as the dashboard sends it', async () => {
    const response = await raw('/_admin/tenants/default/keys/rotate', {
      method: 'POST',
      headers: { origin: idp.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
  });

  it('accepts a JSON POST with an empty body from a script (curl -H "Content-Type: application/json")', async () => {
    const response = await raw('/_admin/tenants/default/sessions/revoke', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
  });
});

describe('admin API and dashboard against DNS rebinding', () => {
  for (const path of ['/_admin/health', '/_admin/journal', '/_ui']) {
    it(`refuses GET ${path} under a host name that is not the server's`, async () => {
      const response = await raw(path, { headers: { host: `attacker.example:${port}` } });
      expect(response.status).toBe(403);
      expect(response.body).toContain('allowedHosts');
    });
  }

  for (const host of [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    `[::1]:${port}`,
    `LOCALHOST:${port}`,
    `app.localhost:${port}`,
    `idp.test:${port}`,
    `10.1.2.3:${port}`,
  ]) {
    it(`answers the admin API under ${host}`, async () => {
      expect((await raw('/_admin/health', { headers: { host } })).status).toBe(200);
    });
  }

  it('keeps the protocol endpoints open under any host name (containers reach the IdP by many names)', async () => {
    expect((await raw('/default/.well-known/openid-configuration', { headers: { host: `mockidp:${port}` } })).status).toBe(200);
  });

  it('answers under the base URL host of a server behind a proxy or in a container', async () => {
    const behind = await startMockIdp({ server: { logLevel: 'silent', baseUrl: 'http://idp.internal.example:9400' }, tenants: { default: {} } });
    try {
      const address = behind.server.address() as { port: number };
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: address.port, path: '/_admin/health', headers: { host: 'idp.internal.example:9400' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      await behind.close();
    }
  });
});
