import type { FaultAction } from './schema.ts';

/** A short text of what an action does, for the journal and the dashboard: "status 503", "token: sign=none". */
export function describeAction(action: FaultAction): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(action)) {
    if (value === undefined || value === false) continue;
    if (value === true) parts.push(key);
    else if (typeof value === 'object') {
      const inner = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined && !(key === 'token' && (v === 'valid' || v === 'id_token')))
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      parts.push(`${key}${inner.length ? `: ${inner.join(' ')}` : ''}`);
    } else parts.push(`${key} ${String(value)}`);
  }
  return parts.join(', ');
}
