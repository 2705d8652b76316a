// The practical ceiling for JS on this machine: node:http checking Basic auth and signing one JWT with jose.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { announce, algFromArgs } from './announce.ts';

const alg = algFromArgs();
const { privateKey } = await generateKeyPair(alg);
const expected = `Basic ${Buffer.from('service:service-secret').toString('base64')}`;
const server = createServer((req, res) => {
  if (req.url === '/.well-known/openid-configuration') {
    res.setHeader('content-type', 'application/json');
    res.end('{}');
    return;
  }
  req.resume();
  req.on('end', async () => {
    if (req.headers.authorization !== expected) {
      res.statusCode = 401;
      res.end('{"error":"invalid_client"}');
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ client_id: 'service' })
      .setProtectedHeader({ alg, typ: 'at+jwt', kid: 'k' })
      .setIssuer('bench')
      .setAudience('api://bench')
      .setSubject('service')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', 'no-store');
    res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
announce({ tokenUrl: `${base}/token`, discoveryUrl: `${base}/.well-known/openid-configuration` });
