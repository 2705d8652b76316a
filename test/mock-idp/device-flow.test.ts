import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { startTestIdp, relyingParty } from '../support/idp.ts';
import { approveDevice } from '../../harness/actors/browserless-login.ts';
import { UserAgent, readForms } from '../../harness/actors/user-agent.ts';

const clients = { cli: { grants: ['device_code', 'refresh_token'] as const } };
const idp = await startTestIdp({
  tenants: {
    // no interval enforcement: the test polls at once instead of sleeping for the interval
    quick: {
      deviceFlow: { interval: 1, enforceInterval: false },
      users: { alice: { groups: ['ops'] } },
      clients: { cli: { grants: ['device_code', 'refresh_token'] } },
    },
    strict: { users: { alice: {} }, clients: { cli: { grants: [...clients.cli.grants] } } },
  },
});

async function startDevice(tenant: string) {
  const response = await fetch(`${idp.issuer(tenant)}/device/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'cli', scope: 'openid groups offline_access' }),
  });
  return (await response.json()) as {
    device_code: string;
    user_code: string;
    verification_uri: string;
    verification_uri_complete: string;
    expires_in: number;
    interval: number;
  };
}

async function poll(tenant: string, deviceCode: string) {
  const response = await fetch(`${idp.issuer(tenant)}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: 'cli' }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('device authorization grant (RFC 8628)', () => {
  it('issues tokens to openid-client once the user approves on the verification page', async () => {
    const rp = await relyingParty(idp.issuer('quick'), 'cli');
    const device = await oidc.initiateDeviceAuthorization(rp, { scope: 'openid groups offline_access' });
    await approveDevice({ verificationUri: device.verification_uri, userCode: device.user_code, username: 'alice' });
    expect(device.interval).toBe(1);
    const tokens = await oidc.pollDeviceAuthorizationGrant(rp, { ...device, interval: 0.001 });
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ sub: 'alice', groups: ['ops'], aud: 'cli' });
    expect(tokens.refresh_token).toBeTruthy();
  });

  it('announces the polling interval and the verification URIs', async () => {
    const device = await startDevice('strict');
    expect(device).toMatchObject({ interval: 5, expires_in: 600, verification_uri: `${idp.issuer('strict')}/device` });
    expect(device.verification_uri_complete).toContain(encodeURIComponent(device.user_code).replace('%2D', '-'));
  });

  it('answers authorization_pending while the user has not acted', async () => {
    const device = await startDevice('strict');
    expect(await poll('strict', device.device_code)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
  });

  it('answers slow_down to a client polling faster than its interval, and lengthens the interval by 5 s', async () => {
    const device = await startDevice('strict');
    await poll('strict', device.device_code);
    const tooSoon = await poll('strict', device.device_code);
    expect(tooSoon.body).toMatchObject({ error: 'slow_down', error_description: expect.stringContaining('10 seconds') });
    await idp.admin.clock.advance('strict', 6); // enough for the announced 5 s, not for the lengthened 10 s
    expect((await poll('strict', device.device_code)).body['error']).toBe('slow_down');
    await idp.admin.clock.advance('strict', 16); // the interval is now 15 s
    expect((await poll('strict', device.device_code)).body['error']).toBe('authorization_pending');
  });

  it('answers slow_down to a poll that comes too soon even once the user has approved, and issues the tokens to the next poll that keeps the interval', async () => {
    const device = await startDevice('strict');
    await poll('strict', device.device_code);
    await approveDevice({ verificationUri: device.verification_uri_complete, username: 'alice' });
    expect((await poll('strict', device.device_code)).body['error']).toBe('slow_down');
    await idp.admin.clock.advance('strict', 11);
    const tokens = await poll('strict', device.device_code);
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body['id_token'] as string)).toMatchObject({ sub: 'alice' });
  });

  it('holds a client to a 5 s longer interval after a slow_down answered by a fault rule, as after its own', async () => {
    await idp.admin.faults.add('strict', {
      id: 'slow',
      match: { endpoint: 'token', grant: 'urn:ietf:params:oauth:grant-type:device_code' },
      action: { oauthError: 'slow_down' },
      count: 1,
    });
    const device = await startDevice('strict');
    expect((await poll('strict', device.device_code)).body['error']).toBe('slow_down');
    await idp.admin.clock.advance('strict', 6); // the announced 5 s, not the 10 s it is now held to
    expect((await poll('strict', device.device_code)).body).toMatchObject({ error: 'slow_down', error_description: expect.stringContaining('15 seconds') });
    await idp.admin.clock.advance('strict', 16);
    expect((await poll('strict', device.device_code)).body['error']).toBe('authorization_pending');
  });

  it('answers access_denied when the user denies the device', async () => {
    const device = await startDevice('strict');
    await approveDevice({ verificationUri: device.verification_uri_complete, username: 'alice', decision: 'deny' });
    expect(await poll('strict', device.device_code)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it('answers expired_token once the device code has outlived expires_in', async () => {
    const device = await startDevice('strict');
    await idp.admin.clock.advance('strict', 601);
    expect(await poll('strict', device.device_code)).toMatchObject({ status: 400, body: { error: 'expired_token' } });
  });

  it('serves an accessible verification page with a labelled code field and no external assets', async () => {
    const ua = new UserAgent();
    const page = await ua.request(`${idp.issuer('strict')}/device`);
    const html = await page.text();
    expect(html).toContain('<label for="user-code">');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    expect(readForms(html, page.url)[0]).toMatchObject({ id: 'op.deviceInputForm', method: 'POST' });
  });
});
