import { decodeToken, select, looksLikeJwt } from '../scenario/path.ts';
import { show } from './format.ts';
import { HarnessError } from '../errors.ts';

/*
 * Matching an actual value against what a scenario expects. An expectation is
 *  - a plain value: equality (a number also matches the same number written as a string);
 *  - a comparison string: ">= 1", "< 300", "!= 0";
 *  - a list: the same length, each item matching;
 *  - an object of operators ({gte: 900, lte: 3600}, {matches: "^ASIA"}, ...): every operator holds;
 *  - any other object: those fields (or paths, such as "claims.sub" or "items[*].id") match; other
 *    fields may exist.
 */

export interface Mismatch {
  path: string;
  message: string;
  expected: unknown;
  actual: unknown;
}

export interface MatchContext {
  /** The scenario's IdP clock in epoch seconds (for time relations). */
  nowSeconds: number | undefined;
}

type Operator = (actual: unknown, argument: unknown, path: string, ctx: MatchContext) => Mismatch[];

const COMPARISON = /^\s*(>=|<=|>|<|==|!=)\s*(-?\d+(?:\.\d+)?)\s*$/;

function fail(path: string, message: string, expected: unknown, actual: unknown): Mismatch[] {
  return [{ path, message, expected, actual }];
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** Epoch seconds of a time value: seconds or milliseconds since 1970, or an ISO 8601 date. */
function asEpochSeconds(value: unknown): number | undefined {
  const number = asNumber(value);
  if (number !== undefined) return number > 1e12 ? number / 1000 : number;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed / 1000;
  }
  return undefined;
}

function compare(actual: unknown, op: string, bound: unknown, path: string): Mismatch[] {
  const a = asNumber(actual);
  const b = asNumber(bound);
  if (b === undefined) throw new Error(`${path}: "${op}" needs a number, got ${show(bound)}`);
  const words: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'more than', '<': 'less than', '==': 'equal to', '!=': 'not equal to' };
  if (a === undefined) return fail(path, `expected a number ${words[op]} ${b}, got ${show(actual)}`, `${op} ${b}`, actual);
  const ok = op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : op === '<' ? a < b : op === '==' ? a === b : a !== b;
  return ok ? [] : fail(path, `expected ${words[op]} ${b}, got ${a}`, `${op} ${b}`, actual);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function timeOf(value: unknown, path: string, what: string): number {
  const seconds = asEpochSeconds(value);
  if (seconds === undefined) throw new TimeError(path, `${what} is not a time (epoch seconds or ISO 8601): ${show(value)}`, value);
  return seconds;
}

class TimeError extends HarnessError {
  readonly path: string;
  readonly actual: unknown;
  constructor(path: string, message: string, actual: unknown) {
    super(message);
    this.path = path;
    this.actual = actual;
  }
}

function requireNow(ctx: MatchContext): number {
  if (ctx.nowSeconds === undefined) throw new Error('time relations need the IdP clock, which is not available here');
  return ctx.nowSeconds;
}

function collection(actual: unknown): unknown[] | undefined {
  if (Array.isArray(actual)) return actual;
  if (actual && typeof actual === 'object') return Object.values(actual);
  return undefined;
}

const operators: Record<string, Operator> = {
  eq: (actual, argument, path, ctx) => match(actual, argument, path, ctx),
  ne: (actual, argument, path, ctx) =>
    match(actual, argument, path, ctx).length === 0 ? fail(path, `expected anything but ${show(argument)}`, { ne: argument }, actual) : [],
  gt: (actual, argument, path) => compare(actual, '>', argument, path),
  gte: (actual, argument, path) => compare(actual, '>=', argument, path),
  lt: (actual, argument, path) => compare(actual, '<', argument, path),
  lte: (actual, argument, path) => compare(actual, '<=', argument, path),
  matches: (actual, argument, path) => {
    const source = String(argument);
    const literal = /^\/(.*)\/([gimsuy]*)$/s.exec(source);
    const regex = literal ? new RegExp(literal[1]!, literal[2]) : new RegExp(source);
    if (typeof actual !== 'string' && typeof actual !== 'number')
      return fail(path, `expected text matching ${regex}, got ${show(actual)}`, { matches: source }, actual);
    return regex.test(String(actual)) ? [] : fail(path, `expected text matching ${regex}, got ${show(actual)}`, { matches: source }, actual);
  },
  contains: (actual, argument, path, ctx) => {
    if (typeof actual === 'string')
      return actual.includes(String(argument))
        ? []
        : fail(path, `expected text containing ${show(argument)}, got ${show(actual)}`, { contains: argument }, actual);
    const items = collection(actual);
    if (!items) return fail(path, `expected a list or text containing ${show(argument)}, got ${show(actual)}`, { contains: argument }, actual);
    return items.some((item) => match(item, argument, path, ctx).length === 0)
      ? []
      : fail(path, `expected an item matching ${show(argument)}, got ${show(actual)}`, { contains: argument }, actual);
  },
  startsWith: (actual, argument, path) =>
    typeof actual === 'string' && actual.startsWith(String(argument))
      ? []
      : fail(path, `expected text starting with ${show(argument)}, got ${show(actual)}`, { startsWith: argument }, actual),
  endsWith: (actual, argument, path) =>
    typeof actual === 'string' && actual.endsWith(String(argument))
      ? []
      : fail(path, `expected text ending with ${show(argument)}, got ${show(actual)}`, { endsWith: argument }, actual),
  oneOf: (actual, argument, path, ctx) => {
    if (!Array.isArray(argument)) throw new Error(`${path}: oneOf needs a list`);
    return argument.some((option) => match(actual, option, path, ctx).length === 0)
      ? []
      : fail(path, `expected one of ${show(argument)}, got ${show(actual)}`, { oneOf: argument }, actual);
  },
  exists: (actual, argument, path) => {
    const exists = actual !== undefined;
    if (exists === Boolean(argument)) return [];
    return fail(path, argument ? 'expected a value, but there is none' : `expected no value, got ${show(actual)}`, { exists: argument }, actual);
  },
  absent: (actual, argument, path) =>
    (actual === undefined) === Boolean(argument)
      ? []
      : fail(path, argument ? `expected no value, got ${show(actual)}` : 'expected a value, but there is none', { absent: argument }, actual),
  type: (actual, argument, path) => {
    const wanted = String(argument);
    const known = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null', 'jwt'];
    if (!known.includes(wanted)) throw new Error(`${path}: unknown type "${wanted}"; types: ${known.join(', ')}`);
    const actualType = typeOf(actual);
    const ok = wanted === 'jwt' ? looksLikeJwt(actual) : wanted === 'number' ? typeof actual === 'number' : actualType === wanted;
    return ok
      ? []
      : fail(
          path,
          `expected ${wanted === 'integer' ? 'an' : 'a'} ${wanted}, got ${actual === undefined ? 'nothing' : `${actualType} ${show(actual)}`}`,
          { type: wanted },
          actual,
        );
  },
  length: (actual, argument, path, ctx) => {
    const length =
      typeof actual === 'string' || Array.isArray(actual) ? actual.length : actual && typeof actual === 'object' ? Object.keys(actual).length : undefined;
    if (length === undefined) return fail(path, `expected something with a length, got ${show(actual)}`, { length: argument }, actual);
    return match(length, argument, `${path}.length`, ctx);
  },
  not: (actual, argument, path, ctx) =>
    match(actual, argument, path, ctx).length === 0 ? fail(path, `expected not ${show(argument)}, got ${show(actual)}`, { not: argument }, actual) : [],
  all: (actual, argument, path, ctx) => {
    const items = collection(actual);
    if (!items) return fail(path, `expected a list, got ${show(actual)}`, { all: argument }, actual);
    return items.flatMap((item, index) =>
      match(item, argument, `${path}[${Array.isArray(actual) ? index : JSON.stringify(Object.keys(actual as object)[index])}]`, ctx),
    );
  },
  any: (actual, argument, path, ctx) => {
    const items = collection(actual);
    if (!items) return fail(path, `expected a list, got ${show(actual)}`, { any: argument }, actual);
    return items.some((item) => match(item, argument, path, ctx).length === 0)
      ? []
      : fail(path, `expected at least one item matching ${show(argument)}, got ${show(actual)}`, { any: argument }, actual);
  },
  has: (actual, argument, path, ctx) => matchFields(actual, argument as Record<string, unknown>, path, ctx),
  jwt: (actual, argument, path, ctx) => {
    const decoded = decodeToken(actual);
    if (!decoded) return fail(path, `expected a JWT, got ${show(actual)}`, { jwt: argument }, actual);
    return match(decoded.claims, argument, `${path}.claims`, ctx);
  },
  jwtHeader: (actual, argument, path, ctx) => {
    const decoded = decodeToken(actual);
    if (!decoded) return fail(path, `expected a JWT, got ${show(actual)}`, { jwtHeader: argument }, actual);
    return match(decoded.header, argument, `${path}.header`, ctx);
  },
  within: (actual, argument, path, ctx) => {
    const now = requireNow(ctx);
    const seconds = asNumber(argument);
    if (seconds === undefined) throw new Error(`${path}: within needs a number of seconds`);
    const distance = timeOf(actual, path, 'the value') - now;
    return Math.abs(distance) <= seconds
      ? []
      : fail(path, `expected a time within ${seconds} s of now, got ${formatDistance(distance)}`, { within: seconds }, actual);
  },
  secondsFromNow: (actual, argument, path, ctx) => {
    const now = requireNow(ctx);
    const distance = Math.round(timeOf(actual, path, 'the value') - now);
    const mismatches = match(distance, argument, path, ctx);
    return mismatches.length === 0
      ? []
      : fail(path, `expected a time ${describe(argument)} seconds from now, got ${formatDistance(distance)}`, { secondsFromNow: argument }, actual);
  },
  secondsAfter: (actual, argument, path, ctx) => {
    if (!argument || typeof argument !== 'object' || !('of' in argument) || !('is' in argument))
      throw new Error(`${path}: secondsAfter needs {of: <time>, is: <seconds or matcher>}`);
    const { of, is } = argument as { of: unknown; is: unknown };
    const difference = Math.round(timeOf(actual, path, 'the value') - timeOf(of, path, '"of"'));
    const mismatches = match(difference, is, path, ctx);
    return mismatches.length === 0
      ? []
      : fail(path, `expected ${describe(is)} seconds after ${show(of)}, got ${difference} s after`, { secondsAfter: argument }, actual);
  },
  before: (actual, argument, path) =>
    timeOf(actual, path, 'the value') < timeOf(argument, path, '"before"')
      ? []
      : fail(path, `expected a time before ${show(argument)}, got ${show(actual)}`, { before: argument }, actual),
  after: (actual, argument, path) =>
    timeOf(actual, path, 'the value') > timeOf(argument, path, '"after"')
      ? []
      : fail(path, `expected a time after ${show(argument)}, got ${show(actual)}`, { after: argument }, actual),
};

const TIME_OPERATORS = ['within', 'secondsFromNow'];

function describe(expected: unknown): string {
  if (typeof expected === 'number' || typeof expected === 'string') return String(expected);
  return show(expected);
}

function formatDistance(seconds: number): string {
  const rounded = Math.round(seconds);
  return rounded === 0 ? 'now' : rounded > 0 ? `${rounded} s from now` : `${-rounded} s ago`;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key in operators);
}

function isPathKey(key: string): boolean {
  return /[.[*]/.test(key);
}

function join(path: string, key: string): string {
  if (!path) return key;
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${path}.${key}` : key.startsWith('[') ? `${path}${key}` : `${path}.${key}`;
}

function matchFields(actual: unknown, expected: Record<string, unknown>, path: string, ctx: MatchContext): Mismatch[] {
  if (actual === null || typeof actual !== 'object') {
    return fail(
      path,
      `expected an object with ${Object.keys(expected)
        .map((key) => `"${key}"`)
        .join(', ')}, got ${show(actual)}`,
      expected,
      actual,
    );
  }
  const mismatches: Mismatch[] = [];
  for (const [key, wanted] of Object.entries(expected)) {
    const own = Object.hasOwn(actual, key);
    if (own || !isPathKey(key)) {
      mismatches.push(...match(own ? (actual as Record<string, unknown>)[key] : undefined, wanted, join(path, key), ctx));
      continue;
    }
    const { values, many } = select(actual, key);
    if (many) for (const [index, value] of values.entries()) mismatches.push(...match(value, wanted, `${join(path, key)}#${index}`, ctx));
    else mismatches.push(...match(values[0], wanted, join(path, key), ctx));
  }
  return mismatches;
}

/** Every way `actual` differs from `expected` (empty when it matches). */
export function match(actual: unknown, expected: unknown, path: string, ctx: MatchContext): Mismatch[] {
  try {
    if (typeof expected === 'string') {
      const comparison = COMPARISON.exec(expected);
      if (comparison) return compare(actual, comparison[1]!, comparison[2], path);
    }
    if (expected === null || typeof expected !== 'object') {
      if (actual === expected) return [];
      if (typeof expected === 'number' && asNumber(actual) === expected) return [];
      if (typeof expected === 'boolean' && typeof actual === 'string' && actual === String(expected)) return [];
      return fail(path, `expected ${show(expected)}, got ${show(actual)}`, expected, actual);
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return fail(path, `expected a list ${show(expected)}, got ${show(actual)}`, expected, actual);
      if (actual.length !== expected.length)
        return fail(path, `expected ${expected.length} item(s) ${show(expected)}, got ${actual.length}: ${show(actual)}`, expected, actual);
      return expected.flatMap((item, index) => match(actual[index], item, `${path}[${index}]`, ctx));
    }
    if (isOperatorObject(expected)) return Object.entries(expected).flatMap(([name, argument]) => operators[name]!(actual, argument, path, ctx));
    return matchFields(actual, expected as Record<string, unknown>, path, ctx);
  } catch (error) {
    if (error instanceof TimeError) return fail(error.path, error.message, expected, error.actual);
    throw error;
  }
}

/** True when an expectation uses a time relation (then the IdP clock is needed). */
export function usesClock(expected: unknown): boolean {
  if (!expected || typeof expected !== 'object') return false;
  if (Array.isArray(expected)) return expected.some(usesClock);
  return Object.entries(expected).some(([key, value]) => TIME_OPERATORS.includes(key) || usesClock(value));
}
