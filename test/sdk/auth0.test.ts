import { describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { auth as requireJwt } from 'express-oauth2-jwt-bearer';
import { auth as openidConnect, requiresAuth } from 'express-openid-connect';
import { afterAll } from 'vitest';
import { browserlessLogin } from '../../harness/actors/browserless-login.ts';
import { freePort } from '../../common/free-port.ts';
import { fixtureIdp, runSnippet } from './support.ts';

/*
 * Auth0's SDKs against the Auth0 profile (the shop tenant of fixtures/profiles/auth0.yaml), over
 * https with their defaults: express-oauth2-jwt-bearer protecting an API (a machine-to-machine
 * token, gty client-credentials), and express-openid-connect logging a user in to a web app.
 */

const API = 'https://api.shop.example.com/';
const appPort = await freePort();
const idp = await fixtureIdp('auth0', (config) => {
  config.tenants['shop']!.clients['web']!.redirectUris = [`http://127.0.0.1:${appPort}/callback`];
});
const issuerBaseURL = `${idp.url}/shop/`;

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

async function listen(app: express.Express, port = 0): Promise<string> {
  const server = app.listen(port, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function m2mToken(): Promise<string> {
  const response = await fetch(`${issuerBaseURL}oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'm2m', client_secret: 'm2m-secret', audience: API }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

describe('express-oauth2-jwt-bearer, Auth0 profile', () => {
  const api = express();
  api.use(requireJwt({ issuerBaseURL, audience: API }));
  api.get('/inventory', (req, res) => {
    res.json(req.auth!.payload);
  });
  const apiUrl = listen(api);

  it('lets a machine-to-machine token through (client credentials, gty client-credentials, sub <client>@clients)', async () => {
    const answer = await fetch(`${await apiUrl}/inventory`, { headers: { authorization: `Bearer ${await m2mToken()}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      iss: issuerBaseURL,
      aud: API,
      gty: 'client-credentials',
      sub: 'm2m@clients',
      azp: 'm2m',
      permissions: ['read:inventory', 'write:inventory'],
    });
  });

  it('refuses a request without a token, and a token for another API', async () => {
    expect((await fetch(`${await apiUrl}/inventory`)).status).toBe(401);
    const other = express();
    other.use(requireJwt({ issuerBaseURL, audience: 'https://api.other.example.com/' }));
    other.get('/', (_req, res) => res.send('never'));
    const answer = await fetch(`${await listen(other)}/`, { headers: { authorization: `Bearer ${await m2mToken()}` } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/invalid_token.*aud/);
  });
});

describe('express-openid-connect, Auth0 profile', () => {
  it('logs a user in to a web app (authorization code) and exposes the ID token claims', async () => {
    const app = express();
    app.use(
      openidConnect({
        issuerBaseURL,
        baseURL: `http://127.0.0.1:${appPort}`,
        clientID: 'web',
        clientSecret: 'web-secret',
        secret: 'a-long-enough-session-secret-for-the-test',
        authRequired: false,
        authorizationParams: { response_type: 'code', scope: 'openid profile email' },
      }),
    );
    app.get('/profile', requiresAuth(), (req, res) => {
      res.json(req.oidc.user);
    });
    const base = await listen(app, appPort);
    const { callbackUrl, userAgent } = await browserlessLogin({ authorizationUrl: `${base}/login`, redirectUri: `${base}/callback`, username: 'maria' });
    // The app redeems the code at its callback and sends the browser home, signed in.
    const { stoppedAt } = await userAgent.follow(callbackUrl, {}, { stop: (next) => next === `${base}/` });
    expect(stoppedAt).toBe(`${base}/`);
    const response = await userAgent.request(`${base}/profile`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      sub: 'auth0|64f1c2d3e4a5b6c7d8e9f012',
      email: 'maria@shop.example.com',
      'https://shop.example.com/roles': ['shop-admin'],
    });
  });
});

describe("the Auth0 page's express-oauth2-jwt-bearer snippet", () => {
  it('runs as printed (node, NODE_EXTRA_CA_CERTS): the API answers the machine-to-machine caller', async () => {
    const output = (await runSnippet('auth0.express-oauth2-jwt-bearer.mjs', idp)).trim().split('\n').at(-1)!;
    expect(output).toBe('200 {"caller":"m2m@clients","grant":"client-credentials"}');
  });
});
