import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';

/*
 * How bad input is told to people, the same everywhere (configuration files, scenario files, admin API bodies,
 * CLI options): the path of the field as it is written, what is wrong in words, and where in the YAML it is.
 */

/** A field path as people write it: `tenants.default.clients.demo.grants[1]`, `headers["x api"]`; `(root)` for none. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

export interface Problem {
  /** Keys from the root of the input to the offending field. */
  path: PropertyKey[];
  message: string;
}

/**
 * zod's issues in words: an unknown field is named (at its own path when it is the only one), the choices of
 * an enum are listed, a missing field is said to be required, a union lists what each accepted form wanted.
 */
export function zodProblems(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): Problem[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}: remove it or check its spelling`;
      return { path: issue.keys.length === 1 ? [...path, issue.keys[0]!] : path, message };
    }
    if (issue.code === 'invalid_value' && 'values' in issue)
      return { path, message: `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}` };
    if (issue.code === 'invalid_type' && issue.message.includes('received undefined'))
      return { path, message: `missing required field (${withoutPreamble(issue.message)})` };
    if (issue.code === 'invalid_type') return { path, message: withoutPreamble(issue.message) };
    // A union's own message (set by its schema) says it best; zod's default one says nothing.
    if (issue.code === 'invalid_union') return { path, message: issue.message === 'Invalid input' ? unionMessage(issue) : issue.message };
    return { path, message: issue.message };
  });
}

const withoutPreamble = (message: string) => message.replace(/^Invalid input: /, '');

function unionMessage(issue: z.core.$ZodIssueInvalidUnion): string {
  const branches = issue.errors
    .map((errors) => errors.map((inner) => `${inner.path.length ? `${inner.path.join('.')}: ` : ''}${withoutPreamble(inner.message)}`).join(', '))
    .filter(Boolean);
  return branches.length > 0 ? `does not fit any accepted form (${branches.slice(0, 3).join(' | ')})` : withoutPreamble(issue.message);
}

/** Line and column (1-based) of the YAML node at `keys`, or of its nearest parent that exists (where a missing field belongs). */
export function yamlPosition(doc: Document, keys: ReadonlyArray<PropertyKey>, lineCounter: LineCounter): { line?: number; column?: number } {
  for (let depth = keys.length; depth >= 0; depth -= 1) {
    const node: unknown = doc.getIn(keys.slice(0, depth) as Array<string | number>, true);
    const range = typeof node === 'object' && node !== null && 'range' in node ? (node as { range?: [number, number, number] }).range : undefined;
    if (range) {
      const position = lineCounter.linePos(range[0]);
      return { line: position.line, column: position.col };
    }
  }
  return {};
}
