import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { ProfileTenant } from './profile.ts';

/*
 * What keycloak-js loads from Keycloak besides the OpenID endpoints, with its defaults on
 * (checkLoginIframe): the third-party-cookie check (3p-cookies/step1.html sets a cookie,
 * step2.html tells the app whether it could read it back), and the login-status iframe, which
 * answers the app's "<client_id> <session id>" messages with unchanged, changed or error by
 * comparing the session id with the KEYCLOAK_SESSION cookie (realm/user/session, readable by
 * the iframe's script) after an init call checks that the app's origin belongs to the client.
 * The pages are Keycloak's own logic, written again here.
 */

export const SESSION_COOKIE = 'KEYCLOAK_SESSION';

/** A script-only page that any app may frame (as Keycloak serves them); nothing else runs or loads. */
function page(ctx: Context, script: string): void {
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  const hash = createHash('sha256').update(script).digest('base64');
  ctx.set('content-security-policy', `default-src 'none'; script-src 'sha256-${hash}'; connect-src 'self'; frame-ancestors *`);
  ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Keycloak</title></head><body><script>${script}</script></body></html>`;
}

/** The cookie attributes a page's script can use over this connection (SameSite=None needs https). */
function cookieAttributes(ctx: Context): string {
  return ctx.secure ? '; samesite=none; secure' : '; samesite=lax';
}

export async function thirdPartyCookiesStep1(ctx: Context): Promise<void> {
  page(
    ctx,
    `document.cookie = "KEYCLOAK_3P_COOKIE=supported; max-age=60${cookieAttributes(ctx)}";
window.location.replace("step2.html");`,
  );
}

export async function thirdPartyCookiesStep2(ctx: Context): Promise<void> {
  page(
    ctx,
    `if (document.cookie.indexOf("KEYCLOAK_3P_COOKIE=supported") !== -1) {
  document.cookie = "KEYCLOAK_3P_COOKIE=; expires=Thu, 01 Jan 1970 00:00:00 GMT${cookieAttributes(ctx)}";
  window.parent.postMessage("supported", "*");
} else {
  window.parent.postMessage("unsupported", "*");
}`,
  );
}

export async function loginStatusIframe(ctx: Context): Promise<void> {
  page(
    ctx,
    `var init;
function sessionCookie() {
  var match = document.cookie.split("; ").filter(function (c) { return c.indexOf("${SESSION_COOKIE}=") === 0; })[0];
  return match ? decodeURIComponent(match.slice(${SESSION_COOKIE.length + 1})) : null;
}
function check(clientId, origin, sessionId, callback) {
  var compare = function () {
    if (clientId !== init.clientId || origin !== init.origin) return callback("error");
    var cookie = sessionCookie();
    if (!cookie) return callback(sessionId ? "changed" : "unchanged");
    callback(cookie.split("/")[2] === sessionId ? "unchanged" : "changed");
  };
  if (init) return compare();
  var request = new XMLHttpRequest();
  request.open("GET", location.pathname + "/init?client_id=" + encodeURIComponent(clientId) + "&origin=" + encodeURIComponent(origin), true);
  request.onreadystatechange = function () {
    if (request.readyState !== 4) return;
    if (request.status !== 204) return callback("error");
    init = { clientId: clientId, origin: origin };
    compare();
  };
  request.send();
}
window.addEventListener("message", function (event) {
  if (typeof event.data !== "string") return;
  var data = event.data.split(" ");
  if (data.length !== 2) return;
  check(data[0], event.origin, data[1], function (result) { event.source.postMessage(result, event.origin); });
}, false);`,
  );
}

/** GET login-status-iframe.html/init?client_id&origin: 204 when the origin is one of the client's (its redirect URIs'), else 403. */
export async function loginStatusInit(ctx: Context, tenant: ProfileTenant): Promise<void> {
  const clientId = ctx.query['client_id'];
  const origin = ctx.query['origin'];
  const redirectUris = typeof clientId === 'string' ? tenant.redirectUrisOf(clientId) : undefined;
  const allowed = typeof origin === 'string' && (redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin);
  ctx.status = allowed ? 204 : 403;
  if (!allowed)
    ctx.body = {
      error: 'invalid_request',
      error_description: redirectUris
        ? `origin ${String(origin)} is not one of client ${String(clientId)}'s web origins (its redirect URIs' origins)`
        : `unknown client ${String(clientId)}`,
    };
}
