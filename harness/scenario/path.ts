import { decodeJwt, decodeProtectedHeader } from 'jose';
import { HarnessError } from '../errors.ts';

/*
 * Path expressions into JSON, XML (parsed), step results and variables:
 *   claims.sub   items[0].name   items[*].name   claims.*   ["https://aws.amazon.com/tags"]
 * A path that reaches a JWT string can go on into it: `json.id_token.claims.aud`,
 * `login.tokens.access_token.header.kid` decode the token (the signature is not checked).
 */

export type Segment = string | number | typeof WILDCARD;
const WILDCARD = Symbol('*');

class PathError extends HarnessError {}

function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  let i = path.startsWith('$') ? 1 : 0;
  if (path[i] === '.') i += 1;
  while (i < path.length) {
    const char = path[i]!;
    if (char === '.') {
      i += 1;
      continue;
    }
    if (char === '[') {
      const close = findClose(path, i);
      const inner = path.slice(i + 1, close).trim();
      if (inner === '*') segments.push(WILDCARD);
      else if (/^-?\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^(["']).*\1$/.test(inner)) segments.push(inner.slice(1, -1).replace(/\\(["'\\])/g, '$1'));
      else throw new PathError(`bad index "[${inner}]" in path "${path}": use [0], [*] or ["key"]`);
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < path.length && path[end] !== '.' && path[end] !== '[') end += 1;
    const name = path.slice(i, end);
    segments.push(name === '*' ? WILDCARD : /^\d+$/.test(name) ? Number(name) : name);
    i = end;
  }
  return segments;
}

function findClose(path: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < path.length; i += 1) {
    const char = path[i]!;
    if (quote) {
      if (char === '\\') i += 1;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === ']') return i;
  }
  throw new PathError(`unclosed "[" in path "${path}"`);
}

export function looksLikeJwt(value: unknown): boolean {
  return typeof value === 'string' && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value) && value.length > 20;
}

/** Decodes a JWT's header and claims without checking its signature; undefined when it is not one. */
export function decodeToken(value: unknown): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  if (typeof value !== 'string' || !looksLikeJwt(value)) return undefined;
  try {
    return { header: decodeProtectedHeader(value) as Record<string, unknown>, claims: decodeJwt(value) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

function step(value: unknown, segment: string | number): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof segment === 'string' && (segment === 'claims' || segment === 'header' || segment === 'payload') && typeof value === 'string') {
    const decoded = decodeToken(value);
    if (decoded) return segment === 'header' ? decoded.header : decoded.claims;
  }
  if (Array.isArray(value)) {
    if (typeof segment === 'number') return value[segment < 0 ? value.length + segment : segment];
    if (segment === 'length') return value.length;
    return undefined;
  }
  if (typeof value === 'string' && segment === 'length') return value.length;
  if (typeof value === 'object') return Object.hasOwn(value, segment) ? (value as Record<string | number, unknown>)[segment] : undefined;
  return undefined;
}

/** Every value the path reaches (several with wildcards; one, possibly undefined, without). */
export function select(root: unknown, path: string | Segment[]): { values: unknown[]; many: boolean } {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  let current: unknown[] = [root];
  let many = false;
  for (const segment of segments) {
    if (segment === WILDCARD) {
      many = true;
      current = current.flatMap((value) => (Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : []));
    } else {
      current = current.map((value) => step(value, segment));
    }
  }
  return { values: current, many };
}

/** The single value at a path (undefined when absent). */
export function get(root: unknown, path: string): unknown {
  const { values, many } = select(root, path);
  return many ? values : values[0];
}
