// Our mock IdP with a client_credentials client whose tokens are JWTs, in one tenant of `--tenants N` (default 1):
// the others are alike and idle, to show that a request's cost does not grow with unrelated tenants.
import { parseArgs } from 'node:util';
import { startMockIdp, type TenantInput } from '../../mock-idp/index.ts';
import { announce, algFromArgs } from './announce.ts';

const alg = algFromArgs();
const { values } = parseArgs({ args: process.argv.slice(3), options: { tenants: { type: 'string', default: '1' } } });
const count = Number(values.tenants);
const tenant = (): TenantInput => ({
  keys: [{ alg }],
  defaultAlg: alg,
  clients: { service: { secret: 'service-secret', grants: ['client_credentials'], audience: 'api://bench' } },
});
const tenants: Record<string, TenantInput> = { bench: tenant() };
for (let index = 1; index < count; index += 1) tenants[`idle-${index}`] = tenant();
const idp = await startMockIdp({ server: { logLevel: 'silent', port: 0, limits: { tenants: count } }, tenants });
announce({ tokenUrl: `${idp.issuer('bench')}/token`, discoveryUrl: `${idp.issuer('bench')}/.well-known/openid-configuration` });
