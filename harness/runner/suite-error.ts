import { HarnessError } from '../errors.ts';

/** A run that cannot start at all (bad flags, port in use): the message says what to change. */
export class SuiteError extends HarnessError {}
