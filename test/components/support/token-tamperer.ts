import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import type { MockIdp } from '../../../mock-idp/index.ts';

/*
 * Stand-in for the IdP's planned fault rules on the token endpoint ("ID token with wrong aud", "alg
 * none", ...), until they exist: a small HTTP proxy in front of the real IdP's token endpoint. The
 * component under test gets its discovery document from here (same issuer, same JWKS, only
 * token_endpoint points at the proxy); codes are redeemed by the real IdP, and the proxy replaces the
 * ID token of the answer when a test asks it to. Everything else is the real IdP.
 */

export type Tamper = (idToken: string) => Promise<string>;

export interface TokenTamperer {
  /** Discovery URL to configure the component with (option discoveryUrl). */
  discoveryUrl: string;
  /** Replace the next ID tokens with tamper(idToken) until reset with undefined. */
  tamper(fn: Tamper | undefined): void;
  /** Answer the next token requests with this raw response instead of forwarding them. */
  respond(response: { status: number; contentType: string; body: string } | undefined): void;
}

export async function startTokenTamperer(idp: MockIdp, tenant = 'default'): Promise<TokenTamperer> {
  const issuer = idp.issuer(tenant);
  let tamper: Tamper | undefined;
  let canned: { status: number; contentType: string; body: string } | undefined;
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
        const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...discovery, token_endpoint: `${base}/token` }));
        return;
      }
      if (req.method === 'POST' && req.url === '/token') {
        if (canned) {
          res.writeHead(canned.status, { 'content-type': canned.contentType }).end(canned.body);
          return;
        }
        const headers: Record<string, string> = { 'content-type': String(req.headers['content-type'] ?? '') };
        if (req.headers.authorization) headers['authorization'] = req.headers.authorization;
        const upstream = await fetch(`${issuer}/token`, { method: 'POST', headers, body: Buffer.concat(chunks) });
        const body = (await upstream.json()) as Record<string, unknown>;
        if (upstream.ok && tamper && typeof body['id_token'] === 'string') body['id_token'] = await tamper(body['id_token']);
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      res.writeHead(599, { 'content-type': 'text/plain' }).end(`tamperer failed: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    discoveryUrl: `${base}/.well-known/openid-configuration`,
    tamper: (fn) => {
      tamper = fn;
    },
    respond: (response) => {
      canned = response;
    },
  };
}
