import { looksLikeJwt } from '../scenario/path.ts';

/*
 * How values appear in failure messages and reports: short, and never a full token or secret.
 * JWT-like strings keep a prefix and their length (the journal's style, mock-idp/journal/mask.ts).
 */

export function maskToken(value: string): string {
  return value.length <= 8 ? '…' : `${value.slice(0, 6)}…(${value.length})`;
}

const SECRET_KEYS =
  /^(client_secret|secret|password|code_verifier|secretaccesskey|secret_access_key|sessiontoken|session_token|client_assertion|refresh_token|access_token|id_token|device_code|code|token|webidentitytoken|authorization|cookie|set-cookie|x-amz-security-token|verifier|identitytoken)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.test(key);
}

/** A copy of a value safe to print: tokens shortened, secret fields masked. */
export function redact(value: unknown, key?: string, depth = 0): unknown {
  if (depth > 12) return '…';
  if (typeof value === 'string') {
    if (key !== undefined && isSecretKey(key)) return value.length === 0 ? '' : /secret|password|verifier/i.test(key) ? '***' : maskToken(value);
    if (looksLikeJwt(value)) return maskToken(value);
    return value.length > 400 ? `${value.slice(0, 400)}…(${value.length})` : value;
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, key, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = redact(item, name, depth + 1);
    return out;
  }
  return value;
}

/** One line for a message: JSON, shortened, secrets masked. */
export function show(value: unknown, key?: string): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(redact(value, key)) ?? String(value);
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}
