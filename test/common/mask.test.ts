import { parse } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { maskParams } from '../../common/mask.ts';

describe('maskParams', () => {
  it("lets a later source's value win, as an object spread would", () => {
    expect(maskParams({ scope: 'openid', state: 'one' }, { state: 'two' })).toEqual({ scope: 'openid', state: 'two' });
  });

  it('reads the prototype-less objects that Node’s querystring makes, masking their secrets', () => {
    const body = parse('grant_type=client_credentials&client_secret=hunter2&code=abcdefghijklmnop');
    expect(maskParams(undefined, body)).toEqual({ grant_type: 'client_credentials', client_secret: '***', code: 'abcdef…(16)' });
  });

  it('keeps 64 parameters and counts the others, a name repeated across sources once', () => {
    const query = Object.fromEntries(Array.from({ length: 64 }, (_, index) => [`p${index}`, 'query']));
    const masked = maskParams(query, { p0: 'body', extra1: 'x', extra2: 'x', extra3: 'x' }, { extra1: 'again' });
    expect(Object.keys(masked)).toHaveLength(65);
    expect(masked['p0']).toBe('body');
    expect(masked['extra1']).toBeUndefined();
    expect(masked['…']).toBe('3 more parameters');
  });

  it('skips absent sources and parameters without a value', () => {
    expect(maskParams(undefined, { a: undefined, b: ['x', 'y'] }, undefined)).toEqual({ b: 'x y' });
  });
});
