import { get } from './path.ts';
import { HarnessError } from '../errors.ts';

/*
 * Variables between steps: "${login.code}" in any string of a step is replaced by the value at that
 * path. A string that is exactly one "${...}" keeps the value's type (a number stays a number, an
 * object stays an object); inside a longer string the value is written as text. "$${" writes "${".
 */

export class InterpolationError extends HarnessError {}

const PATTERN = /\$\$\{|\$\{([^}]*)\}/g;

function resolve(expression: string, vars: Record<string, unknown>): unknown {
  const trimmed = expression.trim();
  const [path, fallback] = splitFallback(trimmed);
  if (!path) throw new InterpolationError('empty "${}": write a variable path such as ${login.code}');
  const value = get(vars, path);
  if (value === undefined) {
    if (fallback !== undefined) return parseFallback(fallback);
    const root = path.split(/[.[]/, 1)[0]!;
    const known = Object.keys(vars)
      .filter((name) => vars[name] !== undefined)
      .sort();
    throw new InterpolationError(
      root in vars && vars[root] !== undefined
        ? `"\${${path}}" has no value: ${root} is set, but not ${path} (${root} has ${describeKeys(vars[root])})`
        : `unknown variable "${root}" in "\${${path}}": set it with a step's "as", or a "set" step; variables now: ${known.join(', ') || '(none)'}`,
    );
  }
  return value;
}

function splitFallback(expression: string): [string, string | undefined] {
  const at = expression.indexOf('??');
  return at < 0 ? [expression, undefined] : [expression.slice(0, at).trim(), expression.slice(at + 2).trim()];
}

function parseFallback(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  return text.replace(/^(["'])(.*)\1$/, '$2');
}

function describeKeys(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) return `fields ${Object.keys(value).slice(0, 12).join(', ') || '(none)'}`;
  return `the value ${JSON.stringify(value)?.slice(0, 60)}`;
}

function interpolateString(text: string, vars: Record<string, unknown>): unknown {
  const whole = /^\$\{([^}]*)\}$/.exec(text);
  if (whole) return resolve(whole[1]!, vars);
  if (!text.includes('${')) return text;
  return text.replace(PATTERN, (match, expression: string | undefined) => {
    if (match === '$${') return '${';
    const value = resolve(expression!, vars);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** Replaces every template in strings (keys too) of a value, deeply. */
export function interpolate<T>(value: T, vars: Record<string, unknown>): T {
  if (typeof value === 'string') return interpolateString(value, vars) as T;
  if (Array.isArray(value)) return value.map((item) => interpolate(item, vars)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key.includes('${') ? String(interpolateString(key, vars)) : key] = interpolate(item, vars);
    return out as T;
  }
  return value;
}
