import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { TrustedIssuerConfig } from '../config/schema.ts';

/*
 * The issuers whose JWTs a tenant accepts as token-exchange subject or actor tokens and as JWT
 * bearer assertions: other tenants of the server (found like any relying party finds an issuer,
 * through their discovery document, so their faults and profiles apply) and outside issuers
 * (keys given, at a JWKS URL, or found through their discovery document).
 */

export interface TrustedIssuer {
  issuer: string;
  keys: JWTVerifyGetKey;
  userClaim: string;
}

export class TrustedIssuers {
  readonly #configs: TrustedIssuerConfig[];
  readonly #mountOf: (tenant: string) => string;
  readonly #resolved = new Map<TrustedIssuerConfig, Promise<TrustedIssuer>>();

  constructor(configs: TrustedIssuerConfig[], mountOf: (tenant: string) => string) {
    this.#configs = configs;
    this.#mountOf = mountOf;
  }

  /** The trusted issuer named by a token's iss; undefined when none is, with the reasons of those that could not be asked. */
  async find(iss: string): Promise<{ trusted: TrustedIssuer | undefined; unreachable: string[] }> {
    const unreachable: string[] = [];
    // Outside issuers are known by name; tenants only once their discovery document says theirs.
    const candidates = [...this.#configs.filter((config) => config.issuer === iss), ...this.#configs.filter((config) => config.tenant !== undefined)];
    for (const config of candidates) {
      try {
        const trusted = await this.#resolve(config);
        if (trusted.issuer === iss) return { trusted, unreachable };
      } catch (error) {
        this.#resolved.delete(config); // it may answer next time
        unreachable.push((error as Error).message);
      }
    }
    return { trusted: undefined, unreachable };
  }

  #resolve(config: TrustedIssuerConfig): Promise<TrustedIssuer> {
    let resolved = this.#resolved.get(config);
    if (!resolved) {
      resolved = this.#load(config);
      this.#resolved.set(config, resolved);
    }
    return resolved;
  }

  async #load(config: TrustedIssuerConfig): Promise<TrustedIssuer> {
    if (config.tenant !== undefined) {
      const discovered = await discover(`${this.#mountOf(config.tenant)}/.well-known/openid-configuration`, `trusted tenant "${config.tenant}"`);
      return { issuer: discovered.issuer, keys: createRemoteJWKSet(new URL(discovered.jwks_uri)), userClaim: config.userClaim };
    }
    const issuer = config.issuer!;
    if (config.jwks) return { issuer, keys: createLocalJWKSet(config.jwks as JSONWebKeySet), userClaim: config.userClaim };
    const jwksUri = config.jwksUri ?? (await discover(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, `trusted issuer ${issuer}`)).jwks_uri;
    return { issuer, keys: createRemoteJWKSet(new URL(jwksUri)), userClaim: config.userClaim };
  }
}

async function discover(url: string, what: string): Promise<{ issuer: string; jwks_uri: string }> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
  } catch (error) {
    throw new Error(`${what} cannot be reached at ${url}: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => undefined)) as { issuer?: unknown; jwks_uri?: unknown } | undefined;
  if (!response.ok || typeof body?.issuer !== 'string' || typeof body.jwks_uri !== 'string') {
    throw new Error(`${what} has no usable discovery document at ${url} (status ${response.status})`);
  }
  return { issuer: body.issuer, jwks_uri: body.jwks_uri };
}
