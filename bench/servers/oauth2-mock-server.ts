// axa-group/oauth2-mock-server, the most used Node mock: signs a JWT for any client_credentials request.
import { OAuth2Server } from 'oauth2-mock-server';
import { announce, algFromArgs } from './announce.ts';

const alg = algFromArgs();
const server = new OAuth2Server();
await server.issuer.keys.generate(alg);
await server.start(0, '127.0.0.1');
const issuer = server.issuer.url!;
announce({ tokenUrl: `${issuer}/token`, discoveryUrl: `${issuer}/.well-known/openid-configuration` });
