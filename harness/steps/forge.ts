import { exportSPKI, generateKeyPair, importJWK, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import { z } from 'zod';
import type { ScenarioContext } from '../runner/context.ts';
import { describeNetworkError } from '../runner/network-error.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { endpoint } from '../runner/discovery.ts';
import { decodeToken } from '../scenario/path.ts';
import { defineStep } from './step.ts';

/*
 * A forged token, built with jose, for tokens that reach the target without going through the
 * IdP (a bearer token, a web identity token, a principal login): unsigned (alg none), HMAC-signed
 * with the IdP's public RSA key (algorithm confusion), or signed by a key the IdP never published.
 * Tokens the IdP itself must get wrong come from the IdP's fault rules instead.
 */

const args = z.strictObject({
  token: z.string().optional().describe('A token whose header and claims are the starting point (e.g. ${minted.token}).'),
  claims: z.record(z.string(), z.unknown()).default({}).describe("Claims to set (over the token's)."),
  header: z.record(z.string(), z.unknown()).default({}).describe('Header fields to set (kid, typ...).'),
  sign: z
    .enum(['none', 'public-key-hmac', 'unpublished-key'])
    .describe(
      "none: alg none, no signature; public-key-hmac: HS256 keyed with the IdP's RSA public key (PEM); unpublished-key: ES256 with a key the IdP never published.",
    ),
});

type Args = z.output<typeof args>;

async function idpRsaKey(ctx: ScenarioContext, kid: unknown): Promise<{ kid: string; pem: string }> {
  let jwks: { keys: Array<JWK & { kid?: string }> };
  try {
    const response = await fetch(await endpoint(ctx, 'jwks_uri'), { signal: ctx.signal, headers: { 'x-mockidp-scenario': ctx.tag } });
    jwks = (await response.json()) as typeof jwks;
  } catch (error) {
    throw new StepFailure(`cannot read the IdP's JWKS: ${describeNetworkError(error)}`);
  }
  const key =
    jwks.keys.find((candidate) => candidate.kty === 'RSA' && (kid === undefined || candidate.kid === kid)) ??
    jwks.keys.find((candidate) => candidate.kty === 'RSA');
  if (!key?.kid) throw new StepFailure('the IdP publishes no RSA key to confuse HS256 with');
  // The PEM as JOSE libraries export it (no trailing newline): the bytes a confused verifier uses as the HMAC secret.
  const pem = await exportSPKI((await importJWK({ ...key, alg: 'RS256' }, 'RS256', { extractable: true })) as CryptoKey);
  return { kid: key.kid, pem };
}

export const forgeStep = defineStep<Args>({
  name: 'forge',
  summary: "Forges a token with jose: alg none, HS256 keyed with the IdP's public key, or a key the IdP never published.",
  schema: args,
  defaultAs: 'forged',
  label: (a) => `forge a token (${a.sign})`,
  async run(ctx, a) {
    const base = a.token === undefined ? undefined : decodeToken(a.token);
    if (a.token !== undefined && !base) throw new StepFailure('forge.token is not a JWT');
    const claims = { ...base?.claims, ...a.claims };
    const header = { ...base?.header, ...a.header };
    let token: string;
    let finalHeader: Record<string, unknown>;
    if (a.sign === 'none') {
      token = new UnsecuredJWT(claims).encode();
      finalHeader = { alg: 'none' };
    } else if (a.sign === 'public-key-hmac') {
      const { kid, pem } = await idpRsaKey(ctx, header['kid']);
      finalHeader = { ...header, alg: 'HS256', kid };
      token = await new SignJWT(claims).setProtectedHeader(finalHeader as { alg: string }).sign(new TextEncoder().encode(pem));
    } else {
      const { privateKey } = await generateKeyPair('ES256');
      finalHeader = { ...header, alg: 'ES256', kid: header['kid'] ?? 'unpublished' };
      token = await new SignJWT(claims).setProtectedHeader(finalHeader as { alg: string }).sign(privateKey);
    }
    ctx.trace.note(ctx.step, 'runner', `forged token (${a.sign})`);
    return { value: { token, header: finalHeader, claims } };
  },
});
