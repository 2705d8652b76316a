import { z } from 'zod';
import { UpstreamError } from './errors.ts';
import { excerpt, fetchJson, isObject, parseAnswer } from './http.ts';

/** The parts of an OpenID Provider's metadata that the components use (OpenID Connect Discovery §3). */
const providerMetadataSchema = z.looseObject({
  issuer: z.string(),
  jwks_uri: z.string(),
  token_endpoint: z.string().optional(),
  device_authorization_endpoint: z.string().optional(),
  userinfo_endpoint: z.string().optional(),
  revocation_endpoint: z.string().optional(),
});

export type ProviderMetadata = z.output<typeof providerMetadataSchema>;

function discoveryUrlOf(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/**
 * Fetches the discovery document once (lazily, so a component can start before its IdP) and keeps
 * it; a failed fetch is not cached. The document's issuer must equal the configured issuer exactly
 * (OpenID Connect Discovery §4.3): a mismatch is a configuration error or a mix-up.
 */
export class Discovery {
  readonly issuer: string;
  readonly url: string;
  readonly #timeoutMs: number;
  #pending: Promise<ProviderMetadata> | undefined;

  constructor(issuer: string, options: { discoveryUrl?: string | undefined; timeoutMs: number }) {
    this.issuer = issuer;
    this.url = options.discoveryUrl ?? discoveryUrlOf(issuer);
    this.#timeoutMs = options.timeoutMs;
  }

  get(): Promise<ProviderMetadata> {
    this.#pending ??= this.#fetch().catch((error: unknown) => {
      this.#pending = undefined;
      throw error;
    });
    return this.#pending;
  }

  async #fetch(): Promise<ProviderMetadata> {
    const response = await fetchJson(this.url, { timeoutMs: this.#timeoutMs, what: 'OpenID discovery', headers: { accept: 'application/json' } });
    if (response.status !== 200 || !isObject(response.body)) {
      throw new UpstreamError(`OpenID discovery at ${this.url} answered ${response.status}: ${excerpt(response.text)}`, response.status);
    }
    const metadata = response.body;
    if (metadata['issuer'] !== this.issuer) {
      throw new UpstreamError(
        `OpenID discovery at ${this.url} names issuer ${JSON.stringify(metadata['issuer'])}, but the configured issuer is "${this.issuer}": they must match exactly`,
      );
    }
    if (typeof metadata['jwks_uri'] !== 'string') throw new UpstreamError(`OpenID discovery at ${this.url} has no jwks_uri`);
    return parseAnswer(providerMetadataSchema, metadata, `OpenID discovery at ${this.url}`);
  }
}
