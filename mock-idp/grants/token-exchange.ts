import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { GRANT_TYPE_URNS } from '../config/schema.ts';
import { asList, issueAccessToken, issueIdToken, targetAudience } from './issue.ts';
import { PresentedTokenError, TOKEN_TYPES, presentedToken, type GrantTenant, type PresentedToken, type TokenTypeName } from './presented-tokens.ts';

/*
 * OAuth 2.0 Token Exchange (RFC 8693) as an oidc-provider grant type: a client trades a subject
 * token (this tenant's access, refresh or ID token, or a trusted issuer's JWT), and optionally an
 * actor token, for an access token, JWT or ID token for one audience, with at most the subject's
 * scope. With an actor the new token says who acts for whom (act, nested for earlier actors).
 * Errors are the RFC's: invalid_request for unusable tokens and parameters, invalid_target for
 * an audience the client may not have, invalid_scope for more scope than the subject had.
 */

export const TOKEN_EXCHANGE = GRANT_TYPE_URNS.token_exchange;
export const TOKEN_EXCHANGE_PARAMS = [
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'audience',
  'resource',
  'scope',
];

const typeNames: ReadonlyMap<string, TokenTypeName> = new Map(
  Object.entries(TOKEN_TYPES).map(([name, urn]): [string, TokenTypeName] => [urn, name as TokenTypeName]),
);
const ISSUABLE: TokenTypeName[] = ['access_token', 'jwt', 'id_token'];

function tokenType(value: unknown, field: string): TokenTypeName {
  const name = typeof value === 'string' ? typeNames.get(value) : undefined;
  if (!name)
    throw new errors.InvalidRequest(
      `${field} ${value === undefined ? 'is missing' : `"${String(value)}" is not supported`}: use one of ${Object.values(TOKEN_TYPES).join(', ')}`,
    );
  return name;
}

async function presented(tenant: GrantTenant, token: unknown, type: TokenTypeName, field: string): Promise<PresentedToken> {
  try {
    return await presentedToken(tenant, String(token), type, field);
  } catch (error) {
    if (error instanceof PresentedTokenError) throw new errors.InvalidRequest(error.message);
    throw error;
  }
}

/** RFC 8693 section 4.4: a subject token may name who may act for it. */
function checkMayAct(subject: PresentedToken, actor: PresentedToken): void {
  const mayAct = subject.claims['may_act'];
  if (typeof mayAct !== 'object' || mayAct === null) return;
  const allowed = mayAct as Record<string, unknown>;
  const actorIss = actor.local ? undefined : actor.issuer;
  if (
    (allowed['sub'] !== undefined && allowed['sub'] !== actor.sub && allowed['sub'] !== actor.claims.sub) ||
    (allowed['iss'] !== undefined && allowed['iss'] !== (actorIss ?? actor.issuer))
  ) {
    throw new errors.InvalidRequest(`the actor (sub ${actor.sub}) is not the one the subject token's may_act allows (${JSON.stringify(mayAct)})`);
  }
}

/** RFC 8693 section 4.1: the current actor, with the earlier ones of the subject token nested inside. */
function actClaim(subject: PresentedToken, actor: PresentedToken): Record<string, unknown> {
  const earlier = subject.claims['act'];
  return { sub: actor.sub, ...(actor.local ? {} : { iss: actor.issuer }), ...(typeof earlier === 'object' && earlier !== null ? { act: earlier } : {}) };
}

function narrowedScope(requested: unknown, subject: PresentedToken): string | undefined {
  const asked = typeof requested === 'string' ? requested.split(' ').filter(Boolean) : [];
  if (asked.length === 0) return subject.scope;
  if (subject.scope !== undefined) {
    const granted = new Set(subject.scope.split(' '));
    const extra = asked.filter((scope) => !granted.has(scope));
    if (extra.length > 0)
      throw new errors.InvalidScope(
        `scope ${extra.join(' ')} is more than the subject token grants (${subject.scope || 'no scope'}): ask for a subset`,
        extra.join(' '),
      );
  }
  return asked.join(' ');
}

export function tokenExchangeHandler(tenant: GrantTenant) {
  return async function tokenExchange(ctx: KoaContextWithOIDC): Promise<void> {
    const params = ctx.oidc.params as Record<string, unknown>;
    const clientId = ctx.oidc.client!.clientId;
    const client = tenant.clients.get(clientId)!;
    if (!params['subject_token']) throw new errors.InvalidRequest('subject_token is missing: send the token to exchange');
    const subjectType = tokenType(params['subject_token_type'], 'subject_token_type');
    if ((params['actor_token'] === undefined) !== (params['actor_token_type'] === undefined)) {
      throw new errors.InvalidRequest('actor_token and actor_token_type go together: send both or neither');
    }
    const requested = params['requested_token_type'] === undefined ? 'access_token' : tokenType(params['requested_token_type'], 'requested_token_type');
    if (!ISSUABLE.includes(requested))
      throw new errors.InvalidRequest(
        `requested_token_type ${TOKEN_TYPES[requested]} is not issued by token exchange here: ask for ${ISSUABLE.map((name) => TOKEN_TYPES[name]).join(', ')}`,
      );

    const subject = await presented(tenant, params['subject_token'], subjectType, 'subject_token');
    const asked = [...asList(params['audience']), ...asList(params['resource'])];
    const refusal = tenant.profile?.tokenExchange?.({
      clientId,
      subject: { type: subjectType, local: subject.local, clientId: subject.clientId, audiences: asList(subject.claims.aud) },
      audience: asked[0],
      isClient: (id) => tenant.clients.has(id),
    });
    if (refusal) throw new errors.InvalidRequest(refusal);
    const actor =
      params['actor_token'] === undefined
        ? undefined
        : await presented(tenant, params['actor_token'], tokenType(params['actor_token_type'], 'actor_token_type'), 'actor_token');
    if (actor) checkMayAct(subject, actor);
    const act = actor ? { act: actClaim(subject, actor) } : {};

    if (requested === 'id_token') {
      if (asList(params['audience']).length + asList(params['resource']).length > 0)
        throw new errors.InvalidTarget('an ID token is for the requesting client: leave out audience and resource');
      if (!subject.username) throw new errors.InvalidRequest("an ID token is about a user, and the subject token names none of this tenant's users");
      const issued = await issueIdToken(tenant, { clientId, client, username: subject.username, claims: act });
      ctx.body = { access_token: issued.token, issued_token_type: TOKEN_TYPES.id_token, token_type: 'N_A', expires_in: issued.expiresIn };
      return;
    }
    const audience = targetAudience(params, clientId, client);
    const scope = narrowedScope(params['scope'], subject);
    const issued = await issueAccessToken(tenant, {
      clientId,
      client,
      sub: subject.sub,
      username: subject.username,
      audience,
      scope,
      claims: act,
      typ: requested === 'jwt' ? 'JWT' : 'at+jwt',
    });
    ctx.body = {
      access_token: issued.token,
      issued_token_type: TOKEN_TYPES[requested],
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      ...(scope ? { scope } : {}),
    };
  };
}
