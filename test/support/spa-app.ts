import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/*
 * A single-page app on its own loopback origin that logs people in with oidc-client-ts (the
 * browser library many SPAs use): authorization code + PKCE, refresh, userinfo and logout, all
 * from the page with fetch, so every call to the IdP is a cross-origin (CORS) request.
 * The page exposes window.app for the tests; /callback finishes a login and shows errors in #error.
 */

const library = join(dirname(createRequire(import.meta.url).resolve('oidc-client-ts/package.json')), 'dist/browser/oidc-client-ts.min.js');

function page(settings: Record<string, unknown>, script: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPA</title></head>
<body>
<h1>Single-page app</h1>
<pre id="status">loading</pre>
<pre id="error"></pre>
<script id="settings" type="application/json">${JSON.stringify(settings).replaceAll('<', '\\u003c')}</script>
<script src="/oidc-client-ts.js"></script>
<script>
const settings = JSON.parse(document.getElementById('settings').textContent);
const manager = new oidc.UserManager({
  authority: settings.authority,
  client_id: settings.clientId,
  redirect_uri: location.origin + '/callback',
  post_logout_redirect_uri: location.origin + '/',
  response_type: 'code',
  scope: settings.scope,
  loadUserInfo: true,
  automaticSilentRenew: false,
  revokeTokensOnSignout: true,
  userStore: new oidc.WebStorageStateStore({ store: window.localStorage }),
});
const show = (id, value) => { document.getElementById(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2); };
window.app = {
  manager,
  login: () => manager.signinRedirect().catch((error) => show('error', error.name + ': ' + error.message)),
  user: () => manager.getUser(),
  refresh: () => manager.signinSilent(),
  logout: () => manager.signoutRedirect().catch((error) => show('error', error.name + ': ' + error.message)),
  async userinfo() {
    const user = await manager.getUser();
    const response = await fetch(await manager.metadataService.getUserInfoEndpoint(), { headers: { authorization: 'Bearer ' + user.access_token } });
    return { status: response.status, body: await response.json() };
  },
  async jwks() {
    const response = await fetch(await manager.metadataService.getKeysEndpoint());
    return (await response.json()).keys.map((key) => key.kid);
  },
};
${script}
</script>
</body></html>`;
}

const home = `manager.getUser().then((user) => show('status', user ? { signedIn: user.profile.sub } : 'signed out'), (error) => show('error', String(error)));`;
const callback = `manager.signinRedirectCallback().then(() => location.replace('/'), (error) => { show('status', 'login failed'); show('error', error.name + ': ' + error.message); });`;

export async function startSpa(options: {
  authority: string;
  clientId: string;
  port: number;
  scope?: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  const settings = { authority: options.authority, clientId: options.clientId, scope: options.scope ?? 'openid profile email' };
  const script = await readFile(library, 'utf8');
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://spa').pathname;
    if (path === '/oidc-client-ts.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    else if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(settings, home));
    else if (path === '/callback') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(settings, callback));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${options.port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
