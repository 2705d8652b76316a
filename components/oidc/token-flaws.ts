import { compactVerify, decodeJwt } from 'jose';
import type { FlawName } from '../flaws.ts';
import { TokenError } from './errors.ts';
import {
  checkAlgorithm,
  checkIssuer,
  checkKid,
  publicKeyPem,
  replaceStep,
  requireKid,
  verifySignature,
  type TokenCheck,
  type TokenStep,
} from './token-checks.ts';

/*
 * What each token-validation flaw changes: one named check replaced or dropped, or one setting of
 * the policy or the key source. Everything here is wrong on purpose and used only when a flaw is
 * selected.
 */

export interface TokenFlaw {
  steps?: (steps: readonly TokenStep[]) => TokenStep[];
  clockSkewSeconds?: number;
  refetchOnUnknownKid?: false;
  keysFromTokenIssuer?: true;
}

/** The step, except for tokens with this alg; keeps the step's name so that it replaces it in place. */
const passFor = (alg: string, step: TokenStep, name: string): TokenStep =>
  ({
    [name]: (check: TokenCheck) => (check.header.alg === alg ? undefined : step(check)),
  })[name]!;

/** The step that reads the kid: required (APIs, STS) or optional (relying parties). */
const kidStep = (steps: readonly TokenStep[]): TokenStep => steps.find((step) => step === requireKid || step === checkKid) ?? requireKid;

/** FLAW accept-alg-none: an unsigned token's payload is taken as is. */
async function verifySignatureOrNone(check: TokenCheck): Promise<void> {
  if (check.header.alg !== 'none') return verifySignature(check);
  check.claims = decodeJwt(check.token);
}

/** FLAW accept-hs256-with-public-key: the RSA public key, as PEM text, becomes an HMAC secret. */
async function verifySignatureOrHmacWithPublicKey(check: TokenCheck): Promise<void> {
  if (check.header.alg !== 'HS256') return verifySignature(check);
  const jwk = await check.keys.keyFor(check.header, () => decodeJwt(check.token));
  try {
    await compactVerify(check.token, await publicKeyPem(jwk), { algorithms: ['HS256'] });
  } catch {
    throw new TokenError('signature', "the token's signature does not verify");
  }
  check.claims = decodeJwt(check.token);
}

/** FLAW trust-unverified-iss: the issuer is whatever the token says (its keys were used to verify it). */
function checkIssuerIsPresent(check: TokenCheck): void {
  if (typeof check.claims.iss !== 'string') throw new TokenError('issuer', 'the token has no iss');
}

export const TOKEN_FLAWS: Partial<Record<FlawName, TokenFlaw>> = {
  'skip-aud-check': { steps: (steps) => replaceStep(replaceStep(steps, 'checkAudience', undefined), 'checkAuthorizedParty', undefined) },
  'accept-alg-none': {
    steps: (steps) =>
      replaceStep(
        replaceStep(
          replaceStep(steps, 'checkAlgorithm', passFor('none', checkAlgorithm, 'checkAlgorithm')),
          kidStep(steps).name,
          passFor('none', kidStep(steps), kidStep(steps).name),
        ),
        'verifySignature',
        verifySignatureOrNone,
      ),
  },
  'accept-hs256-with-public-key': {
    steps: (steps) =>
      replaceStep(
        replaceStep(steps, 'checkAlgorithm', passFor('HS256', checkAlgorithm, 'checkAlgorithm')),
        'verifySignature',
        verifySignatureOrHmacWithPublicKey,
      ),
  },
  'never-refetch-jwks': { refetchOnUnknownKid: false },
  'ignore-exp': { steps: (steps) => replaceStep(steps, 'checkExpiry', undefined) },
  'unbounded-skew': { clockSkewSeconds: Number.POSITIVE_INFINITY },
  'trust-unverified-iss': { keysFromTokenIssuer: true, steps: (steps) => replaceStep(steps, checkIssuer.name, checkIssuerIsPresent) },
  'skip-iss-check': { steps: (steps) => replaceStep(steps, checkIssuer.name, undefined) },
};
