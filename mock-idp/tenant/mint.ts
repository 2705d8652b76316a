import type { JWTPayload } from 'jose';
import { z } from 'zod';
import { SIGNING_ALGS, type ClientConfig, type SigningAlg, type UserConfig } from '../config/schema.ts';
import type { KeySet } from '../keys/key-set.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';

/*
 * Tokens on demand, without a flow: for unit tests of relying parties and APIs that need "a valid
 * token for alice with these claims". They are signed with the tenant's published keys and stamped
 * with its clock, exactly like the tokens its endpoints issue.
 */

export const mintRequestSchema = z.strictObject({
  type: z.enum(['id_token', 'access_token']).default('id_token').describe('Which token to mint.'),
  user: z.string().min(1).optional().describe('User whose claims go into the token (sub and profile claims).'),
  client: z.string().min(1).optional().describe('Client the token is for: the ID token audience, or client_id and audience of an access token.'),
  audience: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional()
    .describe('Audience override.'),
  scope: z.string().optional().describe('scope claim of an access token.'),
  claims: z.record(z.string(), z.unknown()).default({}).describe('Claims added last; they override everything else, iss/exp included.'),
  ttlSeconds: z.number().int().default(3600).describe('Lifetime; negative values mint an already expired token.'),
  alg: z.enum(SIGNING_ALGS).optional().describe("Signing algorithm (one of the tenant's keys). Default: the client's or tenant's."),
  kid: z.string().min(1).optional().describe('Sign with this key of the tenant.'),
});
export type MintRequest = z.input<typeof mintRequestSchema>;

export interface MintContext {
  issuer: string;
  keys: KeySet;
  defaultAlg: SigningAlg;
  nowSeconds: number;
  users: ReadonlyMap<string, UserConfig>;
  clients: ReadonlyMap<string, ClientConfig>;
  /** Every claim of a user (with the tenant's profile), sub included. */
  claimsOf(username: string, user: UserConfig): Record<string, unknown> & { sub: string };
}

export async function mintToken(
  context: MintContext,
  request: z.output<typeof mintRequestSchema>,
): Promise<{ token: string; header: Record<string, unknown>; payload: JWTPayload }> {
  const user = request.user === undefined ? undefined : context.users.get(request.user);
  if (request.user !== undefined && !user) throw new NotFoundError(`no user "${request.user}"; users: ${[...context.users.keys()].join(', ') || '(none)'}`);
  const client = request.client === undefined ? undefined : context.clients.get(request.client);
  if (request.client !== undefined && !client)
    throw new NotFoundError(`no client "${request.client}"; clients: ${[...context.clients.keys()].join(', ') || '(none)'}`);

  const key = request.kid
    ? context.keys.keys.find((candidate) => candidate.kid === request.kid)
    : context.keys.active(request.alg ?? (request.type === 'id_token' ? client?.idTokenAlg : client?.accessTokenAlg) ?? context.defaultAlg);
  if (!key) {
    const wanted = request.kid ? `kid "${request.kid}"` : `algorithm ${request.alg ?? context.defaultAlg}`;
    throw new InvalidInputError(
      `the tenant has no key for ${wanted}; keys: ${context.keys
        .summaries()
        .map((summary) => `${summary.kid} (${summary.alg})`)
        .join(', ')}`,
    );
  }

  const base: JWTPayload = { iss: context.issuer, iat: context.nowSeconds, exp: context.nowSeconds + request.ttlSeconds };
  let payload: JWTPayload;
  if (request.type === 'id_token') {
    payload = { ...(user ? context.claimsOf(request.user!, user) : {}), ...base, aud: request.audience ?? request.client ?? 'unknown-client' };
  } else {
    payload = {
      ...base,
      sub: user ? context.claimsOf(request.user!, user).sub : request.client,
      aud: request.audience ?? client?.audience ?? request.client ?? 'unknown-audience',
      ...(request.client ? { client_id: request.client } : {}),
      ...(request.scope ? { scope: request.scope } : {}),
      ...client?.claims,
    };
  }
  payload = { ...payload, ...request.claims };
  const { token, header } = await context.keys.sign(key, payload, request.type === 'access_token' ? 'at+jwt' : 'JWT');
  return { token, header, payload };
}
