import { describe, expect, it } from 'vitest';
import { match } from '../../../harness/assertions/matchers.ts';
import { evaluate } from '../../../harness/assertions/expect.ts';

const ctx = { nowSeconds: 1_800_000_000 };
const ok = (actual: unknown, expected: unknown) => expect(match(actual, expected, 'v', ctx)).toEqual([]);
const bad = (actual: unknown, expected: unknown) => {
  const mismatches = match(actual, expected, 'v', ctx);
  expect(mismatches.length).toBeGreaterThan(0);
  return mismatches[0]!.message;
};

describe('matchers', () => {
  it('compares plain values, accepting a number written as text', () => {
    ok(200, 200);
    ok('200', 200);
    expect(bad(401, 200)).toBe('expected 200, got 401');
  });

  it('understands comparison strings', () => {
    ok(3, '>= 1');
    expect(bad(0, '>= 1')).toBe('expected at least 1, got 0');
    ok(5, '!= 4');
  });

  it('matches objects by subset, fields or paths', () => {
    ok({ claims: { sub: 'alice', email: 'a@x' } }, { claims: { sub: 'alice' } });
    ok({ claims: { sub: 'alice' } }, { 'claims.sub': 'alice' });
    expect(bad({ claims: { sub: 'bob' } }, { 'claims.sub': 'alice' })).toBe('expected "alice", got "bob"');
  });

  it('applies a wildcard path to every value it reaches', () => {
    ok({ claims: { a: 'x', b: 'y' } }, { 'claims.*': { type: 'string' } });
    const mismatches = match({ claims: { a: 'x', b: true } }, { 'claims.*': { type: 'string' } }, 'json', ctx);
    expect(mismatches).toEqual([expect.objectContaining({ path: 'json.claims.*#1', message: 'expected a string, got boolean true' })]);
  });

  it('uses a claim name with dots as a field when the object has it', () => {
    ok({ 'https://aws.amazon.com/tags': 1 }, { 'https://aws.amazon.com/tags': 1 });
  });

  it('matches lists item by item and says when the length differs', () => {
    ok(['admins', 'developers'], ['admins', 'developers']);
    expect(bad(['admins'], ['admins', 'developers'])).toContain('expected 2 item(s)');
  });

  it('supports the operators for text, lists and presence', () => {
    ok('ASIAXYZ', { matches: '^ASIA' });
    ok('Token is expired', { contains: 'expired' });
    ok(['a', 'b'], { contains: 'b' });
    ok('x', { oneOf: ['x', 'y'] });
    ok(undefined, { absent: true });
    expect(bad(undefined, { exists: true })).toBe('expected a value, but there is none');
    ok([1, 2, 3], { length: 3, all: { type: 'integer' } });
    ok('x', { not: 'y' });
  });

  it('decodes a JWT to match its claims', () => {
    const token = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"alice","aud":"demo"}').toString('base64url')}.sig`;
    ok(token, { jwt: { sub: 'alice' }, jwtHeader: { alg: 'none' } });
    expect(bad(token, { jwt: { aud: 'other' } })).toBe('expected "other", got "demo"');
  });

  it('relates times to the IdP clock: seconds from now and within', () => {
    ok(1_800_003_600, { secondsFromNow: 3600 });
    ok(1_800_003_590, { secondsFromNow: { gte: 3500, lte: 3600 } });
    ok('2027-01-15T08:00:00Z', { within: 10_000_000 });
    expect(bad(1_799_999_000, { secondsFromNow: { gte: 0 } })).toBe('expected a time {"gte":0} seconds from now, got 1000 s ago');
  });

  it('relates two times: seconds after another', () => {
    ok(1_800_043_200, { secondsAfter: { of: 1_800_000_000, is: 43200 } });
    expect(bad(1_800_050_000, { secondsAfter: { of: 1_800_000_000, is: 43200 } })).toBe('expected 43200 seconds after 1800000000, got 50000 s after');
  });

  it('never prints a full token in a message', () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${'a'.repeat(200)}.${'b'.repeat(80)}`;
    expect(bad(token, 'other')).not.toContain('b'.repeat(20));
  });
});

describe('expect blocks', () => {
  it('checks status, headers, JSON, XML and claims of a step outcome', () => {
    const idToken = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"aud":"demo"}').toString('base64url')}.s`;
    const outcome = {
      status: 400,
      headers: { 'content-type': 'text/xml' },
      xml: { ErrorResponse: { Error: { Code: 'InvalidIdentityToken' } } },
      json: { id_token: idToken },
    };
    expect(
      evaluate(
        {
          status: 400,
          headers: { 'Content-Type': { contains: 'xml' } },
          xml: { 'ErrorResponse.Error.Code': 'InvalidIdentityToken' },
          claims: { id_token: { aud: 'demo' } },
        },
        outcome,
        {},
        ctx,
      ),
    ).toEqual([]);
  });

  it('says the body is not JSON when a JSON expectation meets HTML', () => {
    const [mismatch] = evaluate({ json: { a: 1 } }, { status: 500, headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' }, {}, ctx);
    expect(mismatch!.message).toBe('expected a JSON body, got "<html>oops</html>" (status 500, content-type text/html)');
  });
});
