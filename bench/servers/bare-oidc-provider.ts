// oidc-provider alone (no project code): same grant, same JWT access token format and algorithm.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';
import { announce, algFromArgs } from './announce.ts';

const alg = algFromArgs();
const { privateKey } = await generateKeyPair(alg, { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: 'bench' };
const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const provider = new Provider(issuer, {
  clients: [{ client_id: 'service', client_secret: 'service-secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
  jwks: { keys: [jwk] } as never,
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'api://bench',
      getResourceServerInfo: () => ({ scope: '', audience: 'api://bench', accessTokenFormat: 'jwt', jwt: { sign: { alg: alg as never } } }),
    },
  },
  enabledJWA: { idTokenSigningAlgValues: [alg as never] },
  clientDefaults: { id_token_signed_response_alg: alg as never },
});
server.on('request', provider.callback());
announce({ tokenUrl: `${issuer}/token`, discoveryUrl: `${issuer}/.well-known/openid-configuration` });
