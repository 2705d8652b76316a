// axa-group/oauth2-mock-server, the most used Node mock: signs a JWT for any client_credentials request. Plain
// JavaScript, as its users run it: a .ts entry costs Node some 50 ms of start-up to load its type stripper.
// Speaks the bench protocol of announce.ts: the algorithm as the first argument, one JSON line on stdout.
import { OAuth2Server } from 'oauth2-mock-server';

const alg = process.argv[2] ?? 'ES256';
if (alg !== 'ES256' && alg !== 'RS256') throw new Error(`unsupported alg ${alg}: use ES256 or RS256`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));

const server = new OAuth2Server();
await server.issuer.keys.generate(alg);
await server.start(0, '127.0.0.1');
const issuer = server.issuer.url;
process.stdout.write(`${JSON.stringify({ tokenUrl: `${issuer}/token`, discoveryUrl: `${issuer}/.well-known/openid-configuration` })}\n`);
