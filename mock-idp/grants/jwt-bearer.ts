import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { GRANT_TYPE_URNS, type ClientConfig } from '../config/schema.ts';
import { issueAccessToken, targetAudience } from './issue.ts';
import { PresentedTokenError, presentedToken, type GrantTenant, type PresentedToken } from './presented-tokens.ts';

/*
 * The JWT bearer grant (RFC 7523 section 2.1): a client trades a signed assertion about a user,
 * from a trusted issuer (another tenant, an outside IdP with its keys) or from this tenant, for an
 * access token. The assertion must name this tenant as its audience (issuer or token endpoint),
 * carry sub and exp, and verify; anything else is invalid_grant with the reason.
 *
 * In the entra profile the same grant with requested_token_use=on_behalf_of is Entra's
 * on-behalf-of flow: the assertion is a user's access token for the calling API (its aud is that
 * client), and the answer is a token for the resource named in scope ("api://downstream/.default").
 */

export const JWT_BEARER = GRANT_TYPE_URNS.jwt_bearer;
export const JWT_BEARER_PARAMS = ['assertion', 'scope', 'resource', 'audience', 'requested_token_use'];

const NON_RESOURCE_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

async function assertionOf(tenant: GrantTenant, assertion: unknown): Promise<PresentedToken> {
  if (typeof assertion !== 'string' || assertion === '') throw new errors.InvalidRequest('assertion is missing: send the signed JWT to trade');
  try {
    return await presentedToken(tenant, assertion, 'jwt', 'the assertion');
  } catch (error) {
    if (error instanceof PresentedTokenError) throw new errors.InvalidGrant(error.message);
    throw error;
  }
}

function audiencesOf(claims: PresentedToken['claims']): string[] {
  return Array.isArray(claims.aud) ? claims.aud : typeof claims.aud === 'string' ? [claims.aud] : [];
}

function requireUser(assertion: PresentedToken): string {
  if (!assertion.username) throw new errors.InvalidGrant(`the assertion's subject (${assertion.sub}) is no user of this tenant`);
  return assertion.username;
}

async function rfc7523(ctx: KoaContextWithOIDC, tenant: GrantTenant, clientId: string, client: ClientConfig): Promise<void> {
  const params = ctx.oidc.params as Record<string, unknown>;
  const assertion = await assertionOf(tenant, params['assertion']);
  const tokenEndpoint = ctx.oidc.urlFor('token');
  const audiences = audiencesOf(assertion.claims);
  if (!audiences.includes(tenant.issuer) && !audiences.includes(tokenEndpoint)) {
    throw new errors.InvalidGrant(
      `the assertion is for ${audiences.join(', ') || 'no audience'}; its aud must be this issuer (${tenant.issuer}) or its token endpoint (${tokenEndpoint})`,
    );
  }
  if (typeof assertion.claims.exp !== 'number') throw new errors.InvalidGrant('the assertion has no exp (RFC 7523 section 3 requires one)');
  const username = requireUser(assertion);
  const scope = typeof params['scope'] === 'string' && params['scope'] !== '' ? params['scope'] : undefined;
  const audience = targetAudience(params, clientId, client);
  const issued = await issueAccessToken(tenant, { clientId, client, sub: assertion.sub, username, audience, scope });
  ctx.body = { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, ...(scope ? { scope } : {}) };
}

/** "api://downstream/.default offline_access" -> resource api://downstream, delegated scopes of it. */
function resourceOfScope(scope: string): { resource: string; scp: string[] } {
  const resourceScopes = scope.split(' ').filter((value) => value && !NON_RESOURCE_SCOPES.has(value));
  if (resourceScopes.length === 0) throw new errors.InvalidScope('scope names no resource: ask for "<resource>/.default" or "<resource>/<scope>"', scope);
  const split = resourceScopes.map((value) => {
    const slash = value.lastIndexOf('/');
    if (slash <= 0) throw new errors.InvalidScope(`scope "${value}" names no resource: write "<resource>/${value}"`, value);
    return { resource: value.slice(0, slash), name: value.slice(slash + 1) };
  });
  const resources = new Set(split.map((part) => part.resource));
  if (resources.size > 1) throw new errors.InvalidScope(`scope names several resources (${[...resources].join(', ')}): ask for one at a time`, scope);
  const names = split.map((part) => part.name).filter((name) => name !== '.default');
  return { resource: split[0]!.resource, scp: names.length > 0 ? names : ['user_impersonation'] };
}

async function onBehalfOf(ctx: KoaContextWithOIDC, tenant: GrantTenant, clientId: string, client: ClientConfig): Promise<void> {
  const params = ctx.oidc.params as Record<string, unknown>;
  const assertion = await assertionOf(tenant, params['assertion']);
  if (!assertion.local)
    throw new errors.InvalidGrant(`AADSTS50027: the assertion is from ${assertion.issuer}; on-behalf-of takes an access token of this tenant`);
  const audiences = audiencesOf(assertion.claims);
  if (!audiences.includes(clientId) && !(client.audience !== undefined && audiences.includes(client.audience))) {
    throw new errors.InvalidGrant(
      `AADSTS50013: Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${audiences.join(', ')}' and the expected audience is '${client.audience ?? clientId}'`,
    );
  }
  const username = requireUser(assertion);
  const scope = typeof params['scope'] === 'string' ? params['scope'] : '';
  if (scope === '') throw new errors.InvalidRequest("AADSTS900144: The request body must contain the following parameter: 'scope'.");
  const { resource, scp } = resourceOfScope(scope);
  const audience = targetAudience({ audience: resource }, clientId, client);
  const user = tenant.users.get(username)!;
  const own = tenant.claimsOf(username, user);
  const carried = Object.fromEntries(
    ['oid', 'tid', 'name', 'preferred_username', 'upn', 'unique_name'].filter((claim) => own[claim] !== undefined).map((claim) => [claim, own[claim]]),
  );
  const issued = await issueAccessToken(tenant, {
    clientId,
    client,
    sub: assertion.sub,
    username,
    audience,
    scope: undefined,
    claims: { ...carried, scp: scp.join(' '), nbf: tenant.clock.nowSeconds() },
  });
  ctx.body = {
    token_type: 'Bearer',
    scope: scope
      .split(' ')
      .filter((value) => value !== 'offline_access')
      .join(' '),
    expires_in: issued.expiresIn,
    ext_expires_in: issued.expiresIn,
    access_token: issued.token,
  };
}

export function jwtBearerHandler(tenant: GrantTenant) {
  return async function jwtBearer(ctx: KoaContextWithOIDC): Promise<void> {
    const clientId = ctx.oidc.client!.clientId;
    const client = tenant.clients.get(clientId)!;
    const use = (ctx.oidc.params as Record<string, unknown>)['requested_token_use'];
    if (use === undefined) return rfc7523(ctx, tenant, clientId, client);
    if (use !== 'on_behalf_of')
      throw new errors.InvalidRequest(`requested_token_use "${String(use)}" is not supported: Entra's on-behalf-of flow uses on_behalf_of`);
    if (tenant.profile?.name !== 'entra')
      throw new errors.InvalidRequest(
        "requested_token_use=on_behalf_of is Entra's on-behalf-of flow: give this tenant the entra profile, or leave the parameter out for the RFC 7523 grant",
      );
    return onBehalfOf(ctx, tenant, clientId, client);
  };
}
