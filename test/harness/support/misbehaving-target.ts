import { createServer } from 'node:http';

/*
 * A stand-in for a user's authenticator that goes wrong on its first login: it crashes (the
 * process exits), hangs (never answers) or answers garbage (HTML with status 200). Healthy until
 * then, so that the launcher sees it ready. Usage: node misbehaving-target.ts crash|hang|garbage PORT
 */

const [mode, port] = process.argv.slice(2);
const server = createServer((request, response) => {
  if (request.url?.endsWith('/healthcheck')) {
    response.writeHead(204).end();
    return;
  }
  if (mode === 'crash') {
    process.stderr.write('fatal: segmentation fault in token cache\n');
    process.exit(70);
  }
  if (mode === 'hang') return;
  response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Oops</body></html>');
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${port}\n`));
