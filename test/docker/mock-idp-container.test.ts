import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { MockIdpContainer, type StartedMockIdpContainer } from '../../mock-idp/testcontainers/index.ts';
import { relyingParty, loginWithCode } from '../support/idp.ts';
import { projectImage } from '../support/docker.ts';

let IMAGE: string;
let idp: StartedMockIdpContainer;

beforeAll(async () => {
  IMAGE = await projectImage();
  idp = await new MockIdpContainer(IMAGE)
    .withNetworkMode('host')
    .withConfig({
      tenants: {
        shop: {
          users: { carla: { email: 'carla@shop.test', groups: ['buyers'] } },
          clients: {
            web: { redirectUris: ['http://127.0.0.1:8080/callback'] },
            worker: { secret: 'worker-secret', grants: ['client_credentials'], audience: 'api://shop' },
          },
        },
      },
    })
    .start();
}, 300_000);

afterAll(async () => {
  await idp?.stop();
});

describe('mock IdP container (testcontainers)', () => {
  it('answers discovery with an issuer reachable from the test', async () => {
    const discovery = (await (await fetch(`${idp.issuer('shop')}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(idp.issuer('shop'));
  });

  it('completes a login with PKCE for a user from the mounted configuration', async () => {
    const rp = await relyingParty(idp.issuer('shop'), 'web');
    const { tokens } = await loginWithCode(rp, { username: 'carla' });
    expect(tokens.claims()).toMatchObject({ sub: 'carla', groups: ['buyers'] });
  });

  it('issues client credentials tokens and records them in a journal reachable through the admin client', async () => {
    const rp = await relyingParty(idp.issuer('shop'), 'worker', { secret: 'worker-secret' });
    await oidc.clientCredentialsGrant(rp);
    const entries = await idp.journal({ tenant: 'shop', endpoint: 'token', clientId: 'worker' });
    expect(entries.at(-1)).toMatchObject({ status: 200, grantType: 'client_credentials', authorization: 'Basic worker:***' });
  });

  it('runs as a non-root user with a health check', () => {
    const inspect = JSON.parse(execFileSync('docker', ['inspect', idp.getId()]).toString())[0] as {
      Config: { User: string; Healthcheck?: { Test: string[] } };
    };
    expect(inspect.Config.User).toBe('1000:1000');
    expect(inspect.Config.Healthcheck?.Test.join(' ')).toContain('/health');
  });
});

describe('mock IdP container errors', () => {
  it('reports a container that exits early with its last log lines', async () => {
    const attempt = new MockIdpContainer(IMAGE)
      .withNetworkMode('host')
      .withConfig({ tenants: { bad: { clients: { c: { grants: ['authorization_code'] } } } } })
      .withStartupTimeout(15_000)
      .start();
    await expect(attempt).rejects.toThrow(/did not start[\s\S]*last log lines:[\s\S]*needs at least one redirect URI/);
  }, 30_000);

  it("reports a port clash with the container's last log lines", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const attempt = new MockIdpContainer(IMAGE).withNetworkMode('host').withPort(port).withStartupTimeout(15_000).start();
      await expect(attempt).rejects.toThrow(new RegExp(`did not start[\\s\\S]*last log lines:[\\s\\S]*port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('reports a missing image clearly', async () => {
    const attempt = new MockIdpContainer('mockidp-does-not-exist:never').withNetworkMode('host').start();
    await expect(attempt).rejects.toThrow(/mockidp-does-not-exist:never/);
  }, 30_000);
});

describe('mock IdP container with a profile, users and faults', () => {
  it('serves the provider shape of the profile, the extra users, and the fault rules from the start', async () => {
    const profiled = await new MockIdpContainer(IMAGE)
      .withNetworkMode('host')
      .withProfile({ name: 'keycloak', realm: 'shop' })
      .withUsers({ zoe: { email: 'zoe@shop.test' } })
      .withFaults([{ id: 'slow-jwks', match: { endpoint: 'jwks' }, action: { status: 503 } }])
      .start();
    try {
      expect(profiled.issuer()).toBe(`${profiled.url}/default/realms/shop`);
      const doc = (await (await fetch(`${profiled.issuer()}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
      expect(doc.jwks_uri).toBe(`${profiled.issuer()}/protocol/openid-connect/certs`);
      expect((await fetch(doc.jwks_uri)).status).toBe(503);
      expect((await profiled.admin.users.list('default')).map((user) => user['username'])).toContain('zoe');
      expect(await profiled.admin.faults.list('default')).toEqual([expect.objectContaining({ id: 'slow-jwks', fired: 1 })]);
    } finally {
      await profiled.stop();
    }
  }, 60_000);
});

describe('mock IdP container with TLS (withTls)', () => {
  let secured: StartedMockIdpContainer;
  beforeAll(async () => {
    secured = await new MockIdpContainer(IMAGE)
      .withNetworkMode('host')
      .withTls({ names: ['idp.shop.test'] })
      .withConfig({
        tenants: { shop: { users: { carla: {} }, clients: { worker: { secret: 'worker-secret', grants: ['client_credentials'], audience: 'api://shop' } } } },
      })
      .start();
  }, 300_000);
  afterAll(async () => {
    await secured?.stop();
  });

  it('serves https with a certificate of the CA it made, which the started container hands over', async () => {
    expect(secured.issuer('shop')).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/shop$/);
    const { hostname, port } = new URL(secured.url);
    const peer = await new Promise<{ authorized: boolean; names: string | undefined }>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port), ca: secured.ca!.pem, servername: 'localhost' }, () => {
        resolve({ authorized: socket.authorized, names: socket.getPeerX509Certificate()?.subjectAltName });
        socket.end();
      });
      socket.once('error', reject);
    });
    expect(peer.authorized).toBe(true);
    expect(peer.names).toContain('DNS:idp.shop.test');
    expect(await readFile(secured.ca!.path, 'utf8')).toBe(secured.ca!.pem);
  });

  it('gives openid-client (no insecure switch) tokens in this process, which trusts the CA once started', async () => {
    const rp = await oidc.discovery(new URL(secured.issuer('shop')), 'worker', undefined, oidc.ClientSecretBasic('worker-secret'));
    const { access_token } = await oidc.clientCredentialsGrant(rp);
    expect(access_token.split('.')).toHaveLength(3);
    expect((await secured.journal({ tenant: 'shop', endpoint: 'token' })).at(-1)).toMatchObject({ status: 200, clientId: 'worker' });
  });

  it('reports itself healthy to Docker while serving https', async () => {
    let status = '';
    for (let attempt = 0; attempt < 60 && status !== 'healthy'; attempt += 1) {
      status = execFileSync('docker', ['inspect', '--format', '{{.State.Health.Status}}', secured.getId()]).toString().trim();
      if (status !== 'healthy') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(status).toBe('healthy');
  }, 40_000);

  it('is trusted by another process given the CA file through NODE_EXTRA_CA_CERTS', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'));
    const script = 'fetch(process.argv[1]).then((r) => r.json()).then((d) => console.log(d.issuer))';
    const issuer = execFileSync(process.execPath, ['-e', script, `${secured.issuer('shop')}/.well-known/openid-configuration`], {
      env: { ...env, NODE_EXTRA_CA_CERTS: secured.ca!.path },
    })
      .toString()
      .trim();
    expect(issuer).toBe(secured.issuer('shop'));
  });
});
