// oidc-provider alone (no project code): same grant, same JWT access token format and algorithm. Plain JavaScript,
// as its users run it: a .ts entry costs Node some 50 ms of start-up to load its type stripper.
// Speaks the bench protocol of announce.ts: the algorithm as the first argument, one JSON line on stdout.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';

const alg = process.argv[2] ?? 'ES256';
if (alg !== 'ES256' && alg !== 'RS256') throw new Error(`unsupported alg ${alg}: use ES256 or RS256`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));

const { privateKey } = await generateKeyPair(alg, { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: 'bench' };
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const provider = new Provider(issuer, {
  clients: [{ client_id: 'service', client_secret: 'service-secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
  jwks: { keys: [jwk] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'api://bench',
      getResourceServerInfo: () => ({ scope: '', audience: 'api://bench', accessTokenFormat: 'jwt', jwt: { sign: { alg } } }),
    },
  },
  enabledJWA: { idTokenSigningAlgValues: [alg] },
  clientDefaults: { id_token_signed_response_alg: alg },
});
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ tokenUrl: `${issuer}/token`, discoveryUrl: `${issuer}/.well-known/openid-configuration` })}\n`);
