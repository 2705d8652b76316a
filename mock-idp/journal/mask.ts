/*
 * What the journal and the logs may show of a request. Secrets are replaced entirely; codes and
 * tokens keep a short prefix (enough to tell two apart in a sequence diagram) and their length.
 */

const SECRET_PARAMS = new Set(['client_secret', 'password', 'code_verifier', 'client_assertion', 'assertion']);
const TOKEN_PARAMS = new Set(['code', 'refresh_token', 'access_token', 'id_token', 'token', 'device_code', 'id_token_hint', 'logout_token', 'subject_token', 'actor_token', 'request', 'xsrf']);

export function maskToken(value: string): string {
  return value.length <= 8 ? '…' : `${value.slice(0, 6)}…(${value.length})`;
}

export function maskParam(name: string, value: string): string {
  if (SECRET_PARAMS.has(name)) return '***';
  if (TOKEN_PARAMS.has(name)) return maskToken(value);
  return value.length > 512 ? `${value.slice(0, 512)}…(${value.length})` : value;
}

export function maskParams(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.map(String).join(' ') : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    out[name] = maskParam(name, text);
  }
  return out;
}

/** Masks an Authorization header down to its scheme (and Basic auth's client id). */
export function maskAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, credentials] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'basic' && credentials) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const user = decoded.includes(':') ? decodeURIComponent(decoded.slice(0, decoded.indexOf(':'))) : '?';
    return `Basic ${user}:***`;
  }
  return `${scheme ?? ''} ***`;
}
