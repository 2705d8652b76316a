/*
 * Keeps a server command running until it is told to stop: Ctrl-C (SIGINT), SIGTERM, or the end of the
 * process that started it. The last one matters with `npx mockidp serve &`: npm exits on SIGTERM without
 * passing the signal on, which would leave the server holding its port with no parent.
 */

const PARENT_CHECK_MS = 500;
// Read when the command loads, well before it prints that it is ready: a caller that stops it as soon as it
// reads that line must not race the reading of the parent.
const parent = process.ppid;

export function untilStopped(close: () => Promise<void>, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(watch);
      out.write(`\n${reason}: stopping\n`);
      void close().then(() => resolve(0));
    };
    const watch = setInterval(() => {
      if (process.ppid !== parent) stop('the process that started mockidp exited');
    }, PARENT_CHECK_MS);
    watch.unref();
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
