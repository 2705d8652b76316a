import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startAuthenticator, startSts } from '../../components/index.ts';
import { startTestIdp } from '../support/idp.ts';

/*
 * Hostile input that is not random: XML entities for the STS, JSON nested a hundred thousand
 * levels deep, headers larger than any server accepts, bytes that are not UTF-8. Each gets a clear
 * 4xx (or the connection is refused by the HTTP parser), and the server keeps serving.
 */

const idp = await startTestIdp();
const issuer = idp.issuer('default');
const authenticator = await startAuthenticator({ issuer, clientId: 'demo', logLevel: 'silent' });
const sts = await startSts({ issuer, clientIds: ['demo'], logLevel: 'silent' });
afterAll(async () => {
  await Promise.all([authenticator.close(), sts.close()]);
});

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><AssumeRoleWithWebIdentity><WebIdentityToken>&lol4;</WebIdentityToken></AssumeRoleWithWebIdentity>`;
const XXE = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>`;
const deepJson = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

async function stillServing(): Promise<void> {
  expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200);
  expect((await fetch(`${authenticator.url}/healthcheck`)).status).toBe(204);
  expect(
    (
      await fetch(sts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15',
      })
    ).status,
  ).toBe(400);
}

/** A raw request with a header no server should accept. */
function hugeHeader(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { 'x-huge': 'x'.repeat(80_000) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hostile bodies and headers', () => {
  for (const [name, body] of [
    ['a billion-laughs XML document', BILLION_LAUGHS],
    ['an XXE document', XXE],
  ] as const) {
    it(`the STS answers ${name} with a 4xx and no entity is expanded`, async () => {
      const response = await fetch(sts.url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      const text = await response.text();
      expect(text).not.toContain('lollollol');
      expect(text).not.toContain('root:');
      await stillServing();
    });
  }

  it('the authenticator answers JSON nested 100 000 levels deep with a 4xx', async () => {
    const response = await fetch(`${authenticator.url}/sts/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepJson });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    await stillServing();
  });

  it('the IdP answers deeply nested JSON at the token endpoint and the admin API with a 4xx', async () => {
    for (const url of [`${issuer}/token`, `${idp.url}/_admin/tenants`]) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepJson });
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(response.status, url).toBeLessThan(500);
    }
    await stillServing();
  });

  it('the IdP answers a form body that is not UTF-8 with a 4xx', async () => {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from([0x67, 0x72, 0x61, 0x6e, 0x74, 0x5f, 0x74, 0x79, 0x70, 0x65, 0x3d, 0xff, 0xfe, 0xc0, 0xaf]),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    await stillServing();
  });

  it('every server refuses an 80 KB header with 431 and keeps serving', async () => {
    for (const url of [`${issuer}/token`, `${authenticator.url}/sts/login`, sts.url]) expect(await hugeHeader(url), url).toBe(431);
    await stillServing();
  });
});
