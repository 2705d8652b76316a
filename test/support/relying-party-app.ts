import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';

/**
 * A small web application that logs people in with openid-client (authorization code + PKCE),
 * the relying party of the browser tests: /login starts, /callback finishes and shows who signed in.
 */
export async function startRelyingPartyApp(options: { issuer: string; clientId: string; port: number }): Promise<{ url: string; close(): Promise<void> }> {
  const config = await oidc.discovery(new URL(options.issuer), options.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const pending = new Map<string, string>();
  const base = `http://127.0.0.1:${options.port}`;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    try {
      if (url.pathname === '/login') {
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        pending.set(state, verifier);
        const target = oidc.buildAuthorizationUrl(config, {
          redirect_uri: `${base}/callback`,
          scope: 'openid profile email groups',
          state,
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        });
        res.writeHead(302, { location: target.toString() }).end();
        return;
      }
      if (url.pathname === '/callback') {
        const state = url.searchParams.get('state') ?? '';
        const verifier = pending.get(state);
        pending.delete(state);
        const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state });
        const claims = tokens.claims()!;
        const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        const json = (value: unknown) => JSON.stringify(value, null, 2).replaceAll('&', '&amp;').replaceAll('<', '&lt;');
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(
            `<!doctype html><title>Signed in</title><h1 id="who">Signed in as ${String(claims.sub)}</h1><p id="groups">${(claims['groups'] as string[] | undefined)?.join(', ') ?? ''}</p>` +
              `<h2>ID token</h2><pre id="id-token-claims">${json(claims)}</pre><h2>Userinfo</h2><pre id="userinfo">${json(userinfo)}</pre>`,
          );
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`login failed: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return { url: base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export { freePort } from '../../common/free-port.ts';
