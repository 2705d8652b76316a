import type { Context, Middleware, Next } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ClientConfig } from '../config/schema.ts';
import { peekParams } from '../faults/request.ts';
import type { TtlStore } from './store.ts';
import { escapeHtml } from '../../common/html.ts';

/*
 * OpenID Front-Channel Logout 1.0, which oidc-provider no longer has: when a user confirms a logout,
 * the page that follows loads each client's frontchannelLogoutUri in an iframe (with iss and sid
 * when the client asked for the session), then goes on where the logout was going (the client's
 * post_logout_redirect_uri, or the signed-out page). The logout page notes, under its xsrf value,
 * which clients the session had and their sids; the confirmation finds them there.
 */

const MODEL = 'FrontChannelLogout';
const TTL_SECONDS = 600;

interface Pending {
  uris: string[];
}

interface SessionLike {
  authorizations?: Record<string, { sid?: string }>;
}

/** Called while the logout page is rendered: the front-channel URIs of the session's clients, kept under the form's xsrf. */
export function noteFrontChannel(ctx: KoaContextWithOIDC, form: string, store: TtlStore, issuer: string, clients: ReadonlyMap<string, ClientConfig>): void {
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1];
  const session = ctx.oidc.session as unknown as SessionLike | undefined;
  if (!xsrf || !session?.authorizations) return;
  const uris: string[] = [];
  for (const [clientId, authorization] of Object.entries(session.authorizations)) {
    const client = clients.get(clientId);
    if (!client?.frontchannelLogoutUri) continue;
    const url = new URL(client.frontchannelLogoutUri);
    if (client.frontchannelLogoutSessionRequired && authorization.sid) {
      url.searchParams.set('iss', issuer);
      url.searchParams.set('sid', authorization.sid);
    }
    uris.push(url.toString());
  }
  if (uris.length > 0) store.upsert(MODEL, xsrf, { uris } satisfies Pending, TTL_SECONDS);
}

/** The page after a confirmed logout: the clients' front-channel iframes, then on to where the logout was going. */
export function frontChannelLogout(options: () => { confirmPath: string; store: TtlStore }): Middleware {
  return function frontChannel(ctx, next) {
    const { confirmPath, store } = options();
    if (ctx.method !== 'POST' || ctx.path !== confirmPath) return next();
    return withFrontChannelFrames(ctx, next, store);
  };
}

async function withFrontChannelFrames(ctx: Context, next: Next, store: TtlStore): Promise<void> {
  const fields = (await peekParams(ctx)).fields ?? {};
  await next();
  const pending = fields['xsrf'] ? (store.find(MODEL, fields['xsrf']) as Pending | undefined) : undefined;
  if (!pending || fields['logout'] !== 'yes' || ctx.status >= 400) return;
  store.destroy(MODEL, fields['xsrf']!);
  const location = ctx.status >= 300 && ctx.status < 400 ? ctx.response.get('Location') : undefined;
  const frames = pending.uris
    .map((uri) => `<iframe class="frontchannel-logout" src="${escapeHtml(uri)}" title="signing out" style="display:none"></iframe>`)
    .join('\n');
  const next_ = location
    ? `<p><a id="continue" href="${escapeHtml(location)}">Continue</a></p>
<script>
(function () {
  var frames = document.querySelectorAll('iframe.frontchannel-logout'), left = frames.length;
  function go() { window.location.replace(document.getElementById('continue').href); }
  frames.forEach(function (frame) { frame.addEventListener('load', function () { if (--left === 0) go(); }); });
  setTimeout(go, 3000);
})();
</script>`
    : '<p>You have signed out.</p>';
  ctx.status = 200;
  ctx.remove('Location');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing out</title></head><body><h1>Signing out</h1>\n${frames}\n${next_}</body></html>`;
}

/**
 * The ID token carries sid for a client that wants it with its front-channel logouts (so that it
 * can tell which session an iframe ends). oidc-provider decides that in Client#includeSid from
 * back-channel settings only; this provider's Client class is taught the front-channel ones too.
 */
export function includeSidForFrontChannel(provider: Provider, clientOf: (clientId: string) => ClientConfig | undefined): void {
  const prototype = (provider.Client as unknown as { prototype: { includeSid(this: { clientId: string }): boolean } }).prototype;
  const backChannel = prototype.includeSid;
  prototype.includeSid = function includeSid(this: { clientId: string }) {
    const own = clientOf(this.clientId);
    return backChannel.call(this) || Boolean(own?.frontchannelLogoutUri && own.frontchannelLogoutSessionRequired);
  };
}
