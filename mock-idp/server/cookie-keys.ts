import { createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * The keys that sign the IdP's cookies, in the shape of keygrip (what Koa's and oidc-provider's `cookies`
 * package asks for) and with keygrip's signatures: HMAC-SHA1 of the cookie, base64url. keygrip compares a
 * signature by HMACing both sides again under a fresh random key (tsscmp) and builds its key from a string
 * on every call; with several signed cookies per request that was a sixth of a login's server time.
 * Here the keys are KeyObjects made once and the comparison is node:crypto's timingSafeEqual.
 */
export class CookieKeys {
  readonly #keys: KeyObject[];

  constructor(secrets: readonly string[] = [randomBytes(32).toString('base64url')]) {
    if (secrets.length === 0) throw new Error('CookieKeys needs at least one secret');
    this.#keys = secrets.map((secret) => createSecretKey(Buffer.from(secret)));
  }

  sign(data: string): string {
    return signature(data, this.#keys[0]!);
  }

  verify(data: string, digest: string): boolean {
    return this.index(data, digest) > -1;
  }

  /** Which key made `digest` (-1: none). */
  index(data: string, digest: string): number {
    const given = Buffer.from(digest);
    for (const [index, key] of this.#keys.entries()) {
      const expected = Buffer.from(signature(data, key));
      if (expected.length === given.length && timingSafeEqual(expected, given)) return index;
    }
    return -1;
  }
}

function signature(data: string, key: KeyObject): string {
  return createHmac('sha1', key).update(data).digest('base64url');
}
