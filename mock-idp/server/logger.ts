export type LogLevel = 'silent' | 'info' | 'debug';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

const rank: Record<LogLevel, number> = { silent: 0, info: 1, debug: 2 };

/** Console logger with levels. Callers pass masked values only: tokens and secrets never reach it. */
export function consoleLogger(level: LogLevel, stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (min: LogLevel, prefix: string) => (message: string) => {
    if (rank[level] >= rank[min]) stream.write(`${prefix}${message}\n`);
  };
  return {
    info: write('info', ''),
    warn: write('info', 'warning: '),
    error: write('info', 'error: '),
    debug: write('debug', 'debug: '),
  };
}
