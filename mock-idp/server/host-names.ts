import { isIP } from 'node:net';
import type { Middleware } from 'koa';
import { HttpError } from './http-error.ts';

/*
 * DNS rebinding: a web page on attacker.example can point its own name at 127.0.0.1 and then
 * read and drive anything on this port as same-origin, the Host header still saying
 * attacker.example. The admin API and the dashboard therefore answer only under the server's own
 * names: IP literals (a page cannot make a browser send one for its own origin), localhost and
 * *.localhost, the bound host, the base URL's host and the configured extra names. The protocol
 * endpoints stay open under any name, as containers reach the IdP by many.
 */

export interface HostNames {
  /** Extra names from server.allowedHosts ("*" allows any). */
  allowed: readonly string[];
  /** The bound address and the base URL (read late: the base URL is known once the port is). */
  host: string;
  baseUrl(): string;
}

/** The host name of a Host header value (no port, no brackets, lower case), or undefined when malformed. */
function hostnameOf(header: string): string | undefined {
  try {
    return new URL(`http://${header}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

function isOwnName(hostname: string, names: HostNames): boolean {
  if (names.allowed.includes('*')) return true;
  if (isIP(hostname) !== 0) return true;
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  const own = [names.host, new URL(names.baseUrl()).hostname.replace(/^\[|\]$/g, ''), ...names.allowed].map((name) => name.toLowerCase());
  return own.includes(hostname);
}

/** Refuses requests to the given path prefixes whose Host is not a name of this server. */
export function hostGuard(prefixes: string[], names: HostNames): Middleware {
  return async function hostGuard(ctx, next) {
    if (!prefixes.some((prefix) => ctx.path === prefix || ctx.path.startsWith(`${prefix}/`))) return next();
    const header = ctx.get('host');
    const hostname = header ? hostnameOf(header) : undefined;
    if (header && (hostname === undefined || !isOwnName(hostname, names))) {
      throw new HttpError(
        403,
        'forbidden_host',
        `"${header.slice(0, 100)}" is not a name of this server, so ${ctx.path.startsWith('/_ui') ? 'the dashboard' : 'the admin API'} does not answer under it (a guard against DNS rebinding): use 127.0.0.1, localhost or the base URL's host, or add the name to server.allowedHosts (env MOCKIDP_ALLOWED_HOSTS, comma-separated)`,
      );
    }
    await next();
  };
}
