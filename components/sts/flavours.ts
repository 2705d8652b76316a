import type { TokenProblem } from '../oidc/errors.ts';
import { StsError } from './sts-error.ts';

/*
 * What differs between AWS STS (its API Reference and botocore's sts service model) and MinIO's STS
 * (cmd/sts-handlers.go, cmd/sts-errors.go): which parameters are
 * required, the limits, and the error codes. The token checks themselves are the same strict
 * ones in both flavours: MinIO's lax points (no iss check, ...) are flaws, not a flavour.
 */

export interface Flavour {
  name: 'aws' | 'minio';
  /** The <Type> of error bodies: AWS says Sender/Receiver, MinIO leaves it empty. */
  errorType(status: number): string;
  requestIdHeader: string;
  roleArnRequired: boolean;
  roleSessionNameRequired: boolean;
  duration: { min: number; max: number; default: 'one-hour' | 'token-exp' };
  /** A value outside its constraints (length, range, pattern). */
  invalid(parameter: string, message: string): StsError;
  /** A value that cannot be read at all (not a number, not JSON). */
  malformed(parameter: string, message: string): StsError;
  missing(parameter: string): StsError;
  badPolicy(message: string): StsError;
  /** A web identity token that failed a check, or an IdP that could not be used. */
  token(problem: TokenProblem | 'idp-unreachable', message: string): StsError;
  unknownAction(action: string | undefined): StsError;
  wrongVersion(version: string): StsError;
  accessDenied(message: string): StsError;
  rejectedClaim(message: string): StsError;
}

const AWS: Flavour = {
  name: 'aws',
  errorType: (status) => (status >= 500 ? 'Receiver' : 'Sender'),
  requestIdHeader: 'x-amzn-RequestId',
  roleArnRequired: true,
  roleSessionNameRequired: true,
  duration: { min: 900, max: 43200, default: 'one-hour' },
  invalid: (parameter, message) =>
    new StsError('ValidationError', 400, `1 validation error detected: Value at '${camel(parameter)}' failed to satisfy constraint: ${message}`),
  malformed: (parameter, message) => new StsError('InvalidParameterValue', 400, `${parameter}: ${message}`),
  missing: (parameter) => new StsError('MissingParameter', 400, `The request must contain the parameter ${parameter}`),
  badPolicy: (message) => new StsError('MalformedPolicyDocument', 400, message),
  token(problem, message) {
    if (problem === 'idp-unreachable')
      return new StsError(
        'IDPCommunicationError',
        400,
        `Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements (${message})`,
      );
    if (problem === 'expired') return new StsError('ExpiredTokenException', 400, `Token expired: ${message}`);
    return new StsError('InvalidIdentityToken', 400, message);
  },
  unknownAction: (action) =>
    action === undefined
      ? new StsError(
          'MissingAction',
          400,
          'The request must contain the parameter Action (send a form body with Content-Type: application/x-www-form-urlencoded)',
        )
      : new StsError('InvalidAction', 400, `Could not find operation ${action} for version 2011-06-15`),
  wrongVersion: (version) => new StsError('InvalidAction', 400, `Could not find operation for version ${version}: the only version is 2011-06-15`),
  accessDenied: (message) => new StsError('AccessDenied', 403, `Not authorized to perform sts:AssumeRoleWithWebIdentity: ${message}`),
  rejectedClaim: (message) => new StsError('IDPRejectedClaim', 403, message),
};

const MINIO: Flavour = {
  name: 'minio',
  errorType: () => '',
  requestIdHeader: 'x-amz-request-id',
  roleArnRequired: false,
  roleSessionNameRequired: false,
  duration: { min: 900, max: 31536000, default: 'token-exp' },
  invalid: (parameter, message) => new StsError('InvalidParameterValue', 400, `${parameter}: ${message}`),
  malformed: (parameter, message) => new StsError('InvalidParameterValue', 400, `${parameter}: ${message}`),
  missing: (parameter) =>
    parameter === 'Version'
      ? new StsError('MissingParameter', 400, 'A required parameter for the specified action is not supplied: Version')
      : new StsError('InvalidParameterValue', 400, `${parameter} is required`),
  badPolicy: (message) => new StsError('InvalidParameterValue', 400, message),
  token: (_problem, message) => new StsError('InvalidParameterValue', 400, message),
  unknownAction: (action) => new StsError('InvalidParameterValue', 400, action === undefined ? 'Action is required' : `unsupported action ${action}`),
  wrongVersion: (version) =>
    new StsError('MissingParameter', 400, `A required parameter for the specified action is not supplied: Version (got ${version}, expected 2011-06-15)`),
  accessDenied: (message) => new StsError('AccessDenied', 403, message),
  rejectedClaim: (message) => new StsError('InvalidParameterValue', 400, message),
};

function camel(parameter: string): string {
  return parameter.charAt(0).toLowerCase() + parameter.slice(1);
}

export function flavourOf(name: 'aws' | 'minio'): Flavour {
  return name === 'aws' ? AWS : MINIO;
}
