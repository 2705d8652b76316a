import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../../harness/actors/user-agent.ts';
import { describeNetworkError } from '../../../harness/runner/network-error.ts';
import { freePort } from '../../../common/free-port.ts';

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/two-cookies': (_req, res) => {
    res.setHeader('set-cookie', ['first=1; Path=/', 'second=2; Path=/; HttpOnly']);
    res.writeHead(303, { location: '/echo' }).end();
  },
  '/echo': (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, cookie: req.headers.cookie ?? null, body })),
    );
  },
  '/empty': (_req, res) => res.writeHead(204).end(),
  '/never': () => {},
};
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('the scripted user agent', () => {
  it('stores every cookie of a response and sends them with the next request', async () => {
    const ua = new UserAgent();
    const first = await ua.request(`${origin}/two-cookies`);
    expect(first.status).toBe(303);
    expect(first.url).toBe(`${origin}/two-cookies`);
    expect(first.headers.getSetCookie()).toHaveLength(2);
    const echoed = (await (await ua.request(`${origin}/echo`)).json()) as { cookie: string };
    expect(echoed.cookie).toBe('first=1; second=2');
  });

  it('does not follow a redirect on its own, and follow() turns a 303 into a GET without the form', async () => {
    const ua = new UserAgent();
    const { response, url } = await ua.follow(`${origin}/two-cookies`, { form: { a: 'b' } });
    expect(url).toBe(`${origin}/echo`);
    expect(await response.json()).toEqual({ method: 'GET', cookie: 'first=1; second=2', body: '' });
    expect(ua.hops.map((hop) => hop.status)).toEqual([303, 200]);
  });

  it('posts a form and answers a 204 with an empty body', async () => {
    const ua = new UserAgent();
    expect(await (await ua.request(`${origin}/echo`, { form: { grant_type: 'x y' } })).json()).toMatchObject({ method: 'POST', body: 'grant_type=x+y' });
    const empty = await ua.request(`${origin}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('stops waiting when its signal aborts, and the runner words it as a timeout', async () => {
    const ua = new UserAgent({ signal: AbortSignal.timeout(100) });
    const error = await ua.request(`${origin}/never`).catch((caught: unknown) => caught);
    expect(describeNetworkError(error)).toBe('aborted (the step or scenario timed out)');
  });

  it('fails on a port where nothing listens, and the runner says the connection was refused', async () => {
    const port = await freePort();
    const error = await new UserAgent().request(`http://127.0.0.1:${port}/`).catch((caught: unknown) => caught);
    expect(describeNetworkError(error)).toMatch(/^connection refused \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
  });
});
