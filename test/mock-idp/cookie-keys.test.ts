import Keygrip from 'keygrip';
import { describe, expect, it } from 'vitest';
import { CookieKeys } from '../../mock-idp/server/cookie-keys.ts';

const cookie = '_session.default=Jt4yN0aQ2m3hX1c; path=/; httponly';

describe('the keys that sign the IdP cookies', () => {
  it('sign a cookie exactly as keygrip does, so cookies signed by either verify with the other', () => {
    const secrets = ['first-secret', 'second-secret'];
    const ours = new CookieKeys(secrets);
    const theirs = new Keygrip(secrets);
    expect(ours.sign(cookie)).toBe(theirs.sign(cookie));
    expect(theirs.verify(cookie, ours.sign(cookie))).toBe(true);
    expect(ours.verify(cookie, theirs.sign(cookie))).toBe(true);
  });

  it('say which key signed a cookie, so a cookie signed before a rotation is still accepted', () => {
    const signedBefore = new CookieKeys(['old-secret']).sign(cookie);
    expect(new CookieKeys(['new-secret', 'old-secret']).index(cookie, signedBefore)).toBe(1);
  });

  it('refuse a signature of another cookie, a truncated one and one made with another key', () => {
    const keys = new CookieKeys(['the-secret']);
    const signature = keys.sign(cookie);
    expect(keys.index(`${cookie}x`, signature)).toBe(-1);
    expect(keys.index(cookie, signature.slice(0, -1))).toBe(-1);
    expect(keys.index(cookie, new CookieKeys(['other-secret']).sign(cookie))).toBe(-1);
    expect(keys.verify(cookie, '')).toBe(false);
  });

  it('make a random secret of their own when given none, different for each instance', () => {
    expect(new CookieKeys().sign(cookie)).not.toBe(new CookieKeys().sign(cookie));
  });
});
