import { HarnessError } from '../errors.ts';

/** Why a step could not do its work (as opposed to an outcome that does not match its expectation). */
export class StepFailure extends HarnessError {
  readonly reason: 'error' | 'unsupported' | 'timeout';
  constructor(message: string, reason: 'error' | 'unsupported' | 'timeout' = 'error') {
    super(message);
    this.reason = reason;
  }
}
