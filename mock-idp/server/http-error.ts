import { ConfigError } from '../config/errors.ts';
import { ConflictError, InvalidInputError, LimitReachedError, MockIdpError, NotFoundError } from '../errors.ts';

/** An error with the HTTP status and OAuth-style error code it should be answered with. */
export class HttpError extends MockIdpError {
  override readonly name: string = 'HttpError';
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, description: string, details?: Record<string, unknown>) {
    super(description);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, error_description: this.message, ...this.details };
  }
}

/** The answer to an error of the IdP's domain (the one place where they meet HTTP); undefined for any other error. */
export function httpErrorOf(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof ConfigError)
    return new HttpError(400, 'invalid_request', error.message, { problems: error.problems.map(({ path, message }) => ({ path, message })) });
  if (error instanceof InvalidInputError)
    return new HttpError(400, 'invalid_request', error.message, error.problems.length > 0 ? { problems: error.problems } : undefined);
  if (error instanceof NotFoundError) return new HttpError(404, 'not_found', error.message);
  if (error instanceof LimitReachedError) return new HttpError(409, 'limit_reached', error.message);
  if (error instanceof ConflictError) return new HttpError(409, 'conflict', error.message);
  if (error instanceof MockIdpError) return new HttpError(400, 'invalid_request', error.message);
  return undefined;
}
