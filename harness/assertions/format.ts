import { maskToken, secrecyOf } from '../../common/mask.ts';
import { looksLikeJwt } from '../scenario/path.ts';

/*
 * How values appear in failure messages and reports: short, and never a full token or secret
 * (which fields hold one: common/mask.ts, as in the IdP's journal).
 */

/** A copy of a value safe to print: tokens shortened, secret fields masked. */
export function redact(value: unknown, key?: string, depth = 0): unknown {
  if (depth > 12) return '…';
  if (typeof value === 'string') {
    const secrecy = key === undefined ? undefined : secrecyOf(key);
    if (secrecy) return value.length === 0 ? '' : secrecy === 'secret' ? '***' : maskToken(value);
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
