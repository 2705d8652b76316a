/*
 * The components' console output. Info carries start-up lines and warnings; debug adds one line per
 * request. Neither ever carries a secret, a code or a full token.
 */

export type LogLevel = 'silent' | 'info' | 'debug';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export function consoleLogger(level: LogLevel, name: string): Logger {
  const write = (stream: NodeJS.WriteStream, message: string) => stream.write(`[${name}] ${message}\n`);
  return {
    info: (message) => (level === 'silent' ? undefined : void write(process.stdout, message)),
    warn: (message) => (level === 'silent' ? undefined : void write(process.stderr, `warning: ${message}`)),
    debug: (message) => (level === 'debug' ? void write(process.stdout, message) : undefined),
  };
}
