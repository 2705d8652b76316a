import type { JWTPayload } from 'jose';
import type { FlawName } from '../flaws.ts';
import type { Discovery } from './discovery.ts';
import { JwksCache } from './jwks-cache.ts';
import { IssuerKeys, TokenIssuerKeys, type KeySource } from './key-sources.ts';
import type { TokenCheck, TokenPolicy, TokenStep } from './token-checks.ts';
import { TOKEN_FLAWS } from './token-flaws.ts';

export interface TokenValidatorOptions {
  policy: TokenPolicy;
  steps: readonly TokenStep[];
  discovery: Discovery;
  jwks: { maxAgeSeconds: number; refetchCooldownSeconds: number };
  timeoutMs: number;
  flaw?: FlawName | undefined;
}

/** Validates tokens of one issuer: runs the checks in order and returns the verified claims. */
export class TokenValidator {
  readonly policy: TokenPolicy;
  readonly steps: readonly TokenStep[];
  readonly keys: KeySource;
  /** The configured issuer's key cache (also when a flaw uses another key source). */
  readonly jwks: JwksCache;

  constructor(options: TokenValidatorOptions) {
    const flaw = options.flaw === undefined ? undefined : TOKEN_FLAWS[options.flaw];
    this.policy = flaw?.clockSkewSeconds === undefined ? options.policy : { ...options.policy, clockSkewSeconds: flaw.clockSkewSeconds };
    this.steps = flaw?.steps ? flaw.steps(options.steps) : options.steps;
    const cacheOptions = {
      now: options.policy.now,
      maxAgeSeconds: options.jwks.maxAgeSeconds,
      refetchCooldownSeconds: options.jwks.refetchCooldownSeconds,
      refetchOnUnknownKid: flaw?.refetchOnUnknownKid ?? true,
      timeoutMs: options.timeoutMs,
    };
    this.jwks = new JwksCache({ ...cacheOptions, jwksUri: async () => (await options.discovery.get()).jwks_uri });
    this.keys = flaw?.keysFromTokenIssuer ? new TokenIssuerKeys(cacheOptions) : new IssuerKeys(this.jwks);
  }

  async validate(token: string, options: { expectedNonce?: string | undefined } = {}): Promise<JWTPayload> {
    const check: TokenCheck = { token, policy: this.policy, keys: this.keys, expectedNonce: options.expectedNonce, header: {}, claims: {} };
    for (const step of this.steps) await step(check);
    return check.claims;
  }
}
