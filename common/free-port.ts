import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago (for servers that must know their port before they start). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
