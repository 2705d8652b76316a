import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { HarnessError } from '../errors.ts';
import type { Shard } from '../runner/select.ts';
import { toMs } from '../scenario/duration.ts';

/*
 * The flags of every `mockidp` command: parsing (an unknown or malformed flag is a UsageError) and the
 * forms flags take (NAME=VALUE pairs, ports, whole numbers, durations, shards). Each error names the
 * flag and shows the expected form.
 */

/** A command line that cannot be run as written: the command prints the message and exits 2. */
export class UsageError extends HarnessError {}

/** node:util's parseArgs (strict), with its errors as UsageErrors. */
export function parseFlags<T extends ParseArgsOptionsConfig>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
}

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

export function wholeNumber(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} "${value}": expected a whole number`);
  return Number(value);
}

export function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${flag} "${value}": expected a port (0-65535; 0 picks a free one)`);
  return Number(value);
}

/** A duration: 500ms, 5s, 2m, or a number of milliseconds. */
export function duration(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return toMs(/^\d+$/.test(value) ? Number(value) : value);
  } catch {
    throw new UsageError(`${flag} "${value}": expected a duration such as 500ms, 5s or 2m`);
  }
}

/** --shard i/n: the i-th of n slices. */
export function shard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || index < 1 || index > total) throw new UsageError(`--shard "${text}" is not i/n with 1 <= i <= n (e.g. --shard 2/4)`);
  return { index, total };
}

/** --reporter a,b --reporter c: the names, in order. */
export function commaList(values: string[] | undefined, fallback: string): string[] {
  return (values ?? [fallback])
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
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
