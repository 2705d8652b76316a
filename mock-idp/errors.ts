/*
 * The IdP's errors. Domain code (tenants, keys, clocks, configuration) throws these and knows nothing of HTTP;
 * server/http-error.ts turns them into answers in one place.
 */

export interface Problem {
  /** Dotted path of the offending field, e.g. `tenants.default.clients.demo.grants[1]`. */
  path: string;
  message: string;
}

/** The base of every error the IdP throws on purpose. */
export class MockIdpError extends Error {
  override readonly name: string = 'MockIdpError';
}

/** Input that cannot be used: each problem names the field and the fix. */
export class InvalidInputError extends MockIdpError {
  override readonly name: string = 'InvalidInputError';
  readonly problems: Problem[];
  constructor(message: string, problems: Problem[] = []) {
    super(message);
    this.problems = problems;
  }
}

/** A user, client, key, fault rule or tenant that is not there. */
export class NotFoundError extends MockIdpError {
  override readonly name: string = 'NotFoundError';
}

/** A change that contradicts the current state (a taken name or subject, the last key). */
export class ConflictError extends MockIdpError {
  override readonly name: string = 'ConflictError';
}

/** A change past one of server.limits. */
export class LimitReachedError extends MockIdpError {
  override readonly name: string = 'LimitReachedError';

  /** `limit` is the value of server.limits.`key`; `detail` says what there is already. */
  constructor(key: string, limit: number, detail: string) {
    super(`${detail}, the most server.limits.${key} allows (${limit}): raise the limit in the configuration, or remove some first`);
  }
}
