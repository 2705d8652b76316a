import { describe, expect, it } from 'vitest';
import { interpolate, InterpolationError } from '../../../harness/scenario/interpolate.ts';

const token = `${Buffer.from('{"alg":"ES256","kid":"k1"}').toString('base64url')}.${Buffer.from('{"sub":"alice","iat":1800000000}').toString('base64url')}.sig`;
const vars = { login: { code: 'abc', status: 200, tokens: { id_token: token } }, n: 3 };

describe('variables and interpolation', () => {
  it('replaces a template inside a string with the value as text', () => {
    expect(interpolate({ url: '/x?code=${login.code}&n=${n}' }, vars)).toEqual({ url: '/x?code=abc&n=3' });
  });

  it('keeps the type of a value when the string is exactly one template', () => {
    expect(interpolate({ status: '${login.status}', tokens: '${login.tokens}' }, vars)).toEqual({ status: 200, tokens: { id_token: token } });
  });

  it('reads claims and header of a JWT on the way', () => {
    expect(interpolate('${login.tokens.id_token.claims.iat}', vars)).toBe(1800000000);
    expect(interpolate('${login.tokens.id_token.header.kid}', vars)).toBe('k1');
  });

  it('uses the fallback after ?? when the variable has no value', () => {
    expect(interpolate('${missing.value ?? 42}', vars)).toBe(42);
  });

  it('names an unknown variable and lists the known ones', () => {
    expect(() => interpolate('${logn.code}', vars)).toThrow(
      new InterpolationError('unknown variable "logn" in "${logn.code}": set it with a step\'s "as", or a "set" step; variables now: login, n'),
    );
  });

  it('says which field is missing from a known variable', () => {
    expect(() => interpolate('${login.cod}', vars)).toThrow(/login is set, but not login.cod \(login has fields code, status, tokens\)/);
  });

  it('writes a literal ${ with $${', () => {
    expect(interpolate('cost: $${x}', vars)).toBe('cost: ${x}');
  });
});
