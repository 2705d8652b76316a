/*
 * The base of the runner's own errors (bad flags, bad scenario files, a target that does not start, a
 * step that fails): each message is meant for the person running the suite and says what to change.
 * Errors of libraries and of the IdP's admin client are not HarnessErrors.
 */
export class HarnessError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
