import { ComponentError } from '../errors.ts';

/** An error with the HTTP status and the message the client should see. */
export class HttpError extends ComponentError {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}
