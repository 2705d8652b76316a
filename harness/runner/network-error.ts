import { StepFailure } from './step-failure.ts';

/** A failed request in words: refused, timed out, or the code and message of its cause. */
export function describeNetworkError(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return 'aborted (the step or scenario timed out)';
  if (err instanceof StepFailure) return err.message;
  const cause = err?.cause;
  if (cause?.code === 'ECONNREFUSED') return `connection refused (${cause.message ?? 'is it running?'})`;
  if (cause?.code) return `${cause.code}: ${cause.message ?? ''}`.trim();
  return err?.message ?? String(error);
}
