import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A user's authenticator that offers only part of the contract: it answers `status` (404 or 501)
 * on the paths it leaves out and passes every other request on to a full authenticator (the
 * reference one, started by the test), as a thin reverse proxy would.
 */

export interface PartialAuthenticator {
  url: string;
  close(): Promise<void>;
}

export async function startPartialAuthenticator(upstream: string, options: { missing: string[]; status: 404 | 501 }): Promise<PartialAuthenticator> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    if (options.missing.some((missing) => path.endsWith(missing))) {
      response.writeHead(options.status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'not here' }));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)) as Array<[string, string]>,
      );
      fetch(`${upstream}${request.url}`, { method: request.method, headers, ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}) }).then(
        async (answer) => {
          response
            .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' })
            .end(Buffer.from(await answer.arrayBuffer()));
        },
        () => response.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
