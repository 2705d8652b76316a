import { exportJWK, generateKeyPair } from 'jose';
import { randomBytes } from 'node:crypto';
import type { TenantInput } from '../../mock-idp/index.ts';

/*
 * Signing keys for the scenarios' tenants, generated once per run: generating an RSA key takes
 * a hundred milliseconds of CPU and more, giving one to a tenant takes none. Scenarios that need a
 * foreign issuer (idp.others) get the alternate set, so its tokens do not verify with the main keys.
 * A scenario that lists its keys by algorithm ({alg: RS256}) gets keys of the run too: the n-th key of
 * an algorithm in its list is the run's n-th key of that algorithm for that issuer, so the keys of one
 * tenant stay distinct, and the scenario's tenant and each of its other issuers have keys of their own.
 * Not on a long-lived target (the user's, shared by scenarios): it remembers the keys it fetched, and a
 * scenario there that lists keys needs it to meet keys it never saw, so the IdP makes them as before.
 */

export type KeySpecs = NonNullable<TenantInput['keys']>;
type KeySpec = KeySpecs[number];
type PrivateJwk = Record<string, unknown>;

async function privateJwk(alg: KeySpec['alg']): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return (await exportJWK(privateKey)) as PrivateJwk;
}

export class SuiteKeys {
  readonly #nonce = randomBytes(3).toString('hex');
  readonly #made = new Map<string, Promise<PrivateJwk>>();
  #primary: Promise<KeySpecs> | undefined;
  #alternate: Promise<KeySpecs> | undefined;

  /** The run's first RS256 and ES256 keys; a scenario that lists keys gets them as its first of each too. */
  primary(): Promise<KeySpecs> {
    this.#primary ??= this.#pair('scenario', 'suite');
    return this.#primary;
  }

  alternate(): Promise<KeySpecs> {
    this.#alternate ??= this.#pair('alternate', 'other');
    return this.#alternate;
  }

  /** The keys of a scenario's tenant: those it lists (completed unless its target is long-lived), else the primary set. */
  async forScenario(specs: KeySpecs | undefined, longLivedTarget: boolean): Promise<KeySpecs> {
    if (!specs) return this.primary();
    return longLivedTarget ? specs : this.#completed(specs, 'scenario');
  }

  /** The keys of one of a scenario's other issuers: as forScenario, with the alternate set. */
  async forOther(alias: string, specs: KeySpecs | undefined, longLivedTarget: boolean): Promise<KeySpecs> {
    if (!specs) return this.alternate();
    return longLivedTarget ? specs : this.#completed(specs, `other ${alias}`);
  }

  async #pair(issuer: string, kidPrefix: string): Promise<KeySpecs> {
    const [rsa, ec] = await Promise.all([this.#key(`${issuer} RS256 0`, 'RS256'), this.#key(`${issuer} ES256 0`, 'ES256')]);
    return [
      { alg: 'RS256', kid: `${kidPrefix}-rs256-${this.#nonce}`, jwk: rsa },
      { alg: 'ES256', kid: `${kidPrefix}-es256-${this.#nonce}`, jwk: ec },
    ];
  }

  /** Each spec without a JWK gets one of the run's keys (the kid, when the spec names none, stays the IdP's choice). */
  #completed(specs: KeySpecs, issuer: string): Promise<KeySpecs> {
    const counts = new Map<string, number>();
    return Promise.all(
      specs.map(async (spec) => {
        if (spec.jwk) return spec;
        const nth = counts.get(spec.alg) ?? 0;
        counts.set(spec.alg, nth + 1);
        return { ...spec, jwk: await this.#key(`${issuer} ${spec.alg} ${nth}`, spec.alg) };
      }),
    );
  }

  #key(name: string, alg: KeySpec['alg']): Promise<PrivateJwk> {
    let made = this.#made.get(name);
    if (!made) {
      made = privateJwk(alg);
      this.#made.set(name, made);
    }
    return made;
  }
}
