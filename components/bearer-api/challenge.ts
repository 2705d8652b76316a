import { HttpError } from '../server/http-error.ts';

/*
 * The bearer API's refusals and their WWW-Authenticate challenges: RFC 6750 §3 for Bearer tokens (invalid_token,
 * insufficient_scope), RFC 9449 §7.1 for DPoP (with the proof algorithms it accepts).
 */

const REALM = 'mockidp-bearer-api';

/** The JWS algorithms a DPoP proof may be signed with. */
export const DPOP_ALGS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA'];

export type Scheme = 'Bearer' | 'DPoP';

function challenge(scheme: Scheme, error?: string, description?: string): string {
  const params = [`realm="${REALM}"`];
  if (scheme === 'DPoP') params.push(`algs="${DPOP_ALGS.join(' ')}"`);
  if (error !== undefined) params.push(`error="${error}"`);
  if (description !== undefined) params.push(`error_description="${description.replace(/["\\]/g, "'")}"`);
  return `${scheme} ${params.join(', ')}`;
}

/** 401 for a missing token (a bare challenge) or an invalid one (invalid_token and why). */
export function unauthorized(description: string | undefined): HttpError {
  return new HttpError(401, description ?? 'send an access token as Authorization: Bearer <token>', {
    'www-authenticate': description === undefined ? challenge('Bearer') : challenge('Bearer', 'invalid_token', description),
  });
}

/** 401 with the DPoP challenge: invalid_dpop_proof for the proof, invalid_token for the token. */
export function dpopRefusal(error: 'invalid_dpop_proof' | 'invalid_token', description: string): HttpError {
  return new HttpError(401, description, { 'www-authenticate': challenge('DPoP', error, description) });
}

/** 403: the caller is known but does not hold the role. */
export function insufficientScope(message: string): HttpError {
  return new HttpError(403, message, { 'www-authenticate': challenge('Bearer', 'insufficient_scope') });
}
