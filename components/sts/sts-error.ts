/** An STS error: the Code string clients match on, its HTTP status and a message. */
export class StsError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = 'StsError';
    this.code = code;
    this.status = status;
  }
}
