// Our mock IdP with one tenant and a client_credentials client whose tokens are JWTs.
import { startMockIdp } from '../../mock-idp/index.ts';
import { announce, algFromArgs } from './announce.ts';

const alg = algFromArgs();
const idp = await startMockIdp({
  server: { logLevel: 'silent', port: 0 },
  tenants: { bench: { keys: [{ alg }], defaultAlg: alg, clients: { service: { secret: 'service-secret', grants: ['client_credentials'], audience: 'api://bench' } } } },
});
announce({ tokenUrl: `${idp.issuer('bench')}/token`, discoveryUrl: `${idp.issuer('bench')}/.well-known/openid-configuration` });
