import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isIP } from 'node:net';

/** A component serving on a port: its base URL (no trailing slash) and a way to stop it. */
export interface RunningComponent {
  url: string;
  /** The HTTP server (for in-process drivers such as supertest). */
  server: Server;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Address to bind; default 127.0.0.1 (loopback only). */
  host?: string | undefined;
  /** Port; 0 (the default for programmatic use) picks a free one. */
  port?: number | undefined;
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** Serves a request listener (a Koa app's callback) and resolves once the port is bound. */
export async function listen(listener: RequestListener, options: ListenOptions, name: string): Promise<RunningComponent> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const server = createServer(listener);
  server.keepAliveTimeout = 5_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`${name}: port ${port} on ${host} is already in use: choose another port (--port), or 0 for a free one`)
          : error,
      );
    });
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl(host)}:${bound}`,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
