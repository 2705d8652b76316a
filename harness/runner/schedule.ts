/*
 * Runs tasks with a concurrency limit, in order of submission; `stop()` lets running tasks finish
 * and skips the rest (--bail).
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  skipped: (item: T, index: number) => R,
  shouldStop: () => boolean,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      const item = items[index]!;
      results[index] = shouldStop() ? skipped(item, index) : await work(item, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
