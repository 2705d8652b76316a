import compose from 'koa-compose';
import Provider from 'oidc-provider';
import { InvalidInputError } from '../errors.ts';
import { JWT_BEARER, JWT_BEARER_PARAMS, jwtBearerHandler } from '../grants/jwt-bearer.ts';
import { TOKEN_EXCHANGE, TOKEN_EXCHANGE_PARAMS, tokenExchangeHandler } from '../grants/token-exchange.ts';
import { TrustedIssuers } from '../grants/trusted-issuers.ts';
import { providerConfiguration, tenantClaimNames } from '../provider/configuration.ts';
import { explainRefusedGrants } from '../provider/error-details.ts';
import { includeSidForFrontChannel } from '../provider/front-channel-logout.ts';
import type { BuiltProvider, Tenant } from './tenant.ts';

/*
 * A tenant's oidc-provider, made from its current users, clients, keys and configuration. A tenant builds a
 * new one whenever those change in a way the provider reads only when it is made (clients, keys, claim names).
 */

export function buildProvider(tenant: Tenant): BuiltProvider {
  const baseUrl = tenant.mount.slice(0, -(tenant.name.length + 1));
  const trustedIssuers = new TrustedIssuers(tenant.config.trustedIssuers, (name) => `${baseUrl}/${name}`);
  const claimNames = tenantClaimNames(tenant);
  let provider: Provider;
  try {
    provider = new Provider(tenant.issuer, providerConfiguration(tenant, claimNames));
  } catch (error) {
    throw new InvalidInputError(`tenant "${tenant.name}" cannot be built: ${(error as Error).message}`);
  }
  provider.registerGrantType(TOKEN_EXCHANGE, tokenExchangeHandler(tenant), TOKEN_EXCHANGE_PARAMS, ['audience', 'resource']);
  provider.registerGrantType(JWT_BEARER, jwtBearerHandler(tenant), JWT_BEARER_PARAMS, ['audience', 'resource']);
  explainRefusedGrants(provider);
  provider.on('server_error', (_ctx: unknown, error: Error) => tenant.logger.error(`tenant ${tenant.name}: ${error.stack ?? error.message}`));
  includeSidForFrontChannel(provider, (clientId) => tenant.clients.get(clientId));
  return { provider, middleware: compose(provider.middleware), claimNames, trustedIssuers };
}
