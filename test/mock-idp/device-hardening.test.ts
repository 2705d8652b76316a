import { describe, expect, it } from 'vitest';
import { startTestIdp } from '../support/idp.ts';
import { profiledTenant } from './profiles/support.ts';

/*
 * The device verification pages against requests no browser sends: sub-paths that are not an
 * interaction, forms posted with a made-up session cookie; and polling clients that hammer the
 * token endpoint all at once. Every answer is a 4xx, and the interval stays usable.
 */

const idp = await startTestIdp({
  tenants: {
    plain: { users: { alice: {} }, clients: { cli: { grants: ['device_code', 'refresh_token'] } } },
    google: profiledTenant('google'),
    entra: profiledTenant('entra'),
  },
});

async function verificationUri(tenant: string, clientId: string): Promise<string> {
  const issuer = idp.issuer(tenant).replace(/\/$/, '');
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { device_authorization_endpoint: string };
  const response = await fetch(discovery.device_authorization_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, scope: 'openid' }),
  });
  const body = (await response.json()) as { verification_uri?: string; verification_url?: string };
  return (body.verification_uri ?? body.verification_url)!;
}

describe('device verification against requests no browser sends', () => {
  for (const [tenant, client] of [
    ['plain', 'cli'],
    ['google', 'tv'],
    ['entra', 'tv'],
  ] as const) {
    it(`answers GET under the verification path of ${tenant} without an interaction with a 4xx`, async () => {
      const page = await verificationUri(tenant, client);
      for (const suffix of ['/auth', '/anything', '/x/y']) {
        const response = await fetch(`${page}${suffix}`, { redirect: 'manual' });
        expect(response.status, `${page}${suffix}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${page}${suffix}`).toBeLessThan(500);
      }
    });

    it(`answers the ${tenant} verification form posted with a made-up session cookie with a 4xx`, async () => {
      const page = await verificationUri(tenant, client);
      const cookieName = `_session.${tenant}`;
      for (const cookie of [`${cookieName}=made-up`, `${cookieName}=made-up; ${cookieName}.sig=forged`]) {
        const response = await fetch(page, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'user_code=ABCD-EFGH&xsrf=x',
        });
        expect(response.status, cookie).toBeGreaterThanOrEqual(400);
        expect(response.status, cookie).toBeLessThan(500);
      }
    });
  }

  it('answers a resume path with a real session but no interaction with a 4xx', async () => {
    const page = await verificationUri('plain', 'cli');
    const first = await fetch(page);
    const cookie = first.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const response = await fetch(`${page}/not-an-interaction`, { headers: { cookie }, redirect: 'manual' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});

describe('device polling under concurrent polls', () => {
  it('never lengthens the interval past a minute, however many polls arrive at once', async () => {
    const issuer = idp.issuer('plain');
    const device = (await (
      await fetch(`${issuer}/device/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_id=cli&scope=openid',
      })
    ).json()) as { device_code: string };
    const poll = () =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code, client_id: 'cli' }),
      }).then((response) => response.json() as Promise<{ error: string; error_description?: string }>);
    const answers = await Promise.all(Array.from({ length: 200 }, poll));
    const intervals = answers
      .filter((answer) => answer.error === 'slow_down')
      .map((answer) => Number(/(\d+) seconds/.exec(answer.error_description ?? '')?.[1]));
    expect(intervals.length).toBeGreaterThan(0);
    expect(Math.max(...intervals)).toBeLessThanOrEqual(60);
  });
});
