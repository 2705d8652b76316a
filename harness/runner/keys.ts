import { exportJWK, generateKeyPair } from 'jose';
import { randomBytes } from 'node:crypto';

/*
 * Signing keys for the scenarios' tenants, generated once per run: generating an RSA key takes
 * tens of milliseconds, giving one to a tenant takes none. Scenarios that need a foreign issuer
 * (idp.others) get the alternate set, so its tokens do not verify with the main keys.
 */

export interface KeySpec {
  alg: 'RS256' | 'ES256';
  kid: string;
  jwk: Record<string, unknown>;
}

async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<KeySpec> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, jwk: (await exportJWK(privateKey)) as Record<string, unknown> };
}

export class SuiteKeys {
  readonly #nonce = randomBytes(3).toString('hex');
  #primary: Promise<KeySpec[]> | undefined;
  #alternate: Promise<KeySpec[]> | undefined;

  primary(): Promise<KeySpec[]> {
    this.#primary ??= Promise.all([keyPair('RS256', `suite-rs256-${this.#nonce}`), keyPair('ES256', `suite-es256-${this.#nonce}`)]);
    return this.#primary;
  }

  alternate(): Promise<KeySpec[]> {
    this.#alternate ??= Promise.all([keyPair('RS256', `other-rs256-${this.#nonce}`), keyPair('ES256', `other-es256-${this.#nonce}`)]);
    return this.#alternate;
  }
}
