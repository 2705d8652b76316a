// The mock IdP for the soak benchmark: short-lived opaque tokens (stored), memory reported over IPC.
import { startMockIdp } from '../../mock-idp/index.ts';
import { announce } from './announce.ts';

const idp = await startMockIdp({
  server: { logLevel: 'silent', port: 0 },
  tenants: {
    soak: {
      keys: [{ alg: 'ES256' }],
      defaultAlg: 'ES256',
      ttl: { clientCredentials: 5 },
      clients: { service: { secret: 'service-secret', grants: ['client_credentials'] } },
    },
  },
});
process.on('message', (message) => {
  if (message !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send!(process.memoryUsage());
});
announce({ tokenUrl: `${idp.issuer('soak')}/token`, discoveryUrl: `${idp.issuer('soak')}/.well-known/openid-configuration` });
