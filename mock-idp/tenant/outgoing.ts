import { decodeJwt } from 'jose';
import { maskParams } from '../../common/mask.ts';
import { sendOutgoing } from '../faults/logout-token.ts';
import type { EntryBuilder, EntryHead } from '../journal/journal.ts';

/*
 * The requests a tenant's provider sends itself (back-channel logout tokens to clients), with the logout-token
 * faults of the request; each is journalled as endpoint backchannel_logout with the status the client answered.
 */

export interface OutgoingHost {
  readonly name: string;
  /** Where outgoing requests are journalled (set by the server that mounts the tenant). */
  journalOutgoing: ((head: EntryHead, build: EntryBuilder, bytes: number) => void) | undefined;
  usernameOfSub(sub: string): string | undefined;
}

export async function fetchOutgoing(host: OutgoingHost, url: string, init: RequestInit): Promise<Response> {
  const at = Date.now();
  const started = performance.now();
  let status = 0;
  try {
    const response = await sendOutgoing(url, init);
    status = response.status;
    return response;
  } finally {
    const form = init.body instanceof URLSearchParams ? Object.fromEntries(init.body) : {};
    const head = {
      at,
      tenant: host.name,
      endpoint: 'backchannel_logout' as const,
      method: String(init.method ?? 'POST'),
      path: url.slice(0, 2048),
      status,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
    };
    host.journalOutgoing?.(
      head,
      () => {
        const claims = logoutTokenClaims(form['logout_token']);
        const user = typeof claims?.sub === 'string' ? (host.usernameOfSub(claims.sub) ?? claims.sub) : undefined;
        const client = Array.isArray(claims?.aud) ? claims.aud[0] : claims?.aud;
        return { params: maskParams(form), ...(client ? { clientId: client } : {}), ...(user ? { user } : {}) };
      },
      (form['logout_token'] ?? '').length,
    );
  }
}

/** The claims of a logout token as sent (undefined when it is none). */
function logoutTokenClaims(token: string | undefined): { sub?: unknown; aud?: unknown } | undefined {
  if (!token) return undefined;
  try {
    return decodeJwt(token) as { sub?: unknown; aud?: unknown };
  } catch {
    return undefined;
  }
}
