/** An error with the HTTP status and OAuth-style error code it should be answered with. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, description: string, details?: Record<string, unknown>) {
    super(description);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, error_description: this.message, ...this.details };
  }
}
