import { ComponentError } from '../errors.ts';

/** An STS error: the Code string clients match on, its HTTP status and a message. */
export class StsError extends ComponentError {
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}
