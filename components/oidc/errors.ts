/*
 * Why a token was refused. Components map a problem to their own wire errors: the authenticator to
 * 401 {message}, the STS to InvalidIdentityToken / ExpiredTokenException, the bearer API to
 * WWW-Authenticate: Bearer error="invalid_token".
 */

import { ComponentError } from '../errors.ts';

export type TokenProblem =
  | 'malformed'
  | 'algorithm'
  | 'kid'
  | 'signature'
  | 'type'
  | 'issuer'
  | 'audience'
  | 'azp'
  | 'expired'
  | 'not-yet-valid'
  | 'issued-in-future'
  | 'nonce'
  | 'subject';

export class TokenError extends ComponentError {
  readonly problem: TokenProblem;
  constructor(problem: TokenProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

/** The IdP could not be reached or answered something unusable (discovery, JWKS, token endpoint). */
export class UpstreamError extends ComponentError {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}
