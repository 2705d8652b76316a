import { StepFailure } from './step-failure.ts';

/** A failed request in words: refused, timed out, or the code and message of its cause. */
export function describeNetworkError(error: unknown): string {
  const err = error as Error & { code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return 'aborted (the step or scenario timed out)';
  if (err instanceof StepFailure) return err.message;
  // fetch wraps the socket's error in a TypeError ('fetch failed'); undici's request() throws it as is.
  const cause = err?.cause ?? (typeof err?.code === 'string' ? err : undefined);
  if (cause?.code === 'ECONNREFUSED') return `connection refused (${cause.message ?? 'is it running?'})`;
  if (cause?.code) return `${cause.code}: ${cause.message ?? ''}`.trim();
  return err?.message ?? String(error);
}
