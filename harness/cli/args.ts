/*
 * Small helpers for the harness commands' flags: NAME=VALUE pairs, durations, numbers. Each error
 * names the flag and shows the expected form.
 */

export class UsageError extends Error {}

export function pairs(values: string[] | undefined, flag: string, form: string): Array<[string, string]> {
  return (values ?? []).map((value) => {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) throw new UsageError(`${flag} "${value}": expected ${form}`);
    return [value.slice(0, at).trim(), value.slice(at + 1)];
  });
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} "${value}": expected a whole number of at least 1`);
  return Number(value);
}

export function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${flag} "${value}": expected a port (0-65535; 0 picks a free one)`);
  return Number(value);
}

/** A literal option value: numbers and booleans as such, the rest as text. */
export function literal(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  if (value.startsWith('{') || value.startsWith('[')) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}
