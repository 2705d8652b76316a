import type { JWTPayload } from 'jose';
import { z } from 'zod';
import { ComponentError, OptionsError } from '../errors.ts';

/*
 * An AuthMap in the manner of Lightbits' federated authentication (which publishes no specification
 * of it): an identifier taken from a token (a group of a user, or the client id of an application)
 * maps to a role and a scope. The mode says which
 * tokens count: `user` (people, e.g. a device-flow login), `app` (client_credentials tokens) or
 * `converge` (both; a user token is identified by its user claim and by the client it came
 * through).
 */

export const authMapSchema = z
  .strictObject({
    mode: z.enum(['user', 'app', 'converge']).default('user').describe('Which tokens are accepted and how they are identified.'),
    userClaim: z.string().min(1).default('groups').describe('Claim that identifies a user (a string or an array of strings), e.g. groups, roles, upn.'),
    appClaim: z.string().min(1).default('client_id').describe('Claim that identifies an application (client_id; azp is used when client_id is absent).'),
    map: z
      .record(z.string().min(1), z.union([z.string().min(1), z.strictObject({ role: z.string().min(1), scope: z.string().min(1).default('*') })]))
      .describe('Identifier -> role, or -> {role, scope}. Example: {"admins": {"role": "admin", "scope": "cluster"}, "service": "reader"}.'),
  })
  .describe('Role mapping (AuthMap).');

export type AuthMapConfig = z.output<typeof authMapSchema>;

type TokenKind = 'user' | 'app';

interface RoleGrant {
  role: string;
  scope: string;
  /** The identifier that matched. */
  via: string;
}

export interface MappedIdentity {
  subject: string;
  kind: TokenKind;
  clientId: string | undefined;
  identifiers: string[];
  roles: RoleGrant[];
}

/** Why a token could not be mapped; `status` 403 in every case, `reason` tells them apart. */
export class MappingError extends ComponentError {
  readonly reason: 'wrong-kind' | 'claim-missing' | 'claim-type' | 'no-role';
  constructor(reason: MappingError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

function clientIdOf(claims: JWTPayload): string | undefined {
  for (const name of ['client_id', 'azp', 'appid']) {
    const value = (claims as Record<string, unknown>)[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** An app token is one whose subject is the client itself (client_credentials); anything else is a user's. */
function tokenKind(claims: JWTPayload): TokenKind {
  const clientId = clientIdOf(claims);
  return clientId !== undefined && claims.sub === clientId ? 'app' : 'user';
}

function userIdentifiers(claims: JWTPayload, claimName: string): string[] {
  const value = (claims as Record<string, unknown>)[claimName];
  if (value === undefined || value === null) throw new MappingError('claim-missing', `the token has no "${claimName}" claim to identify the user by`);
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw new MappingError('claim-type', `the token's "${claimName}" claim must be a string or an array of strings`);
}

function appIdentifier(claims: JWTPayload, claimName: string): string {
  const value = (claims as Record<string, unknown>)[claimName] ?? (claimName === 'client_id' ? (claims as Record<string, unknown>)['azp'] : undefined);
  if (value === undefined || value === null) throw new MappingError('claim-missing', `the token has no "${claimName}" claim to identify the application by`);
  if (typeof value !== 'string' || value === '') throw new MappingError('claim-type', `the token's "${claimName}" claim must be a non-empty string`);
  return value;
}

/** The identifiers a token is known by under a mode; enforceKind=false is the ignore-token-kind flaw. */
function identifiersOf(config: AuthMapConfig, claims: JWTPayload, kind: TokenKind, options: { enforceKind: boolean }): string[] {
  const mode = options.enforceKind ? config.mode : 'converge';
  if (mode === 'user' && kind === 'app')
    throw new MappingError('wrong-kind', 'this service accepts user tokens only (mode user), and this is an application token (client_credentials)');
  if (mode === 'app' && kind === 'user')
    throw new MappingError('wrong-kind', 'this service accepts application tokens only (mode app), and this is a user token');
  if (mode === 'user') return userIdentifiers(claims, config.userClaim);
  if (mode === 'app') return [appIdentifier(claims, config.appClaim)];
  // converge: a user is known by the user claim and by the client they came through
  const ids: string[] = [];
  const problems: MappingError[] = [];
  for (const collect of kind === 'user'
    ? [() => userIdentifiers(claims, config.userClaim), () => [appIdentifier(claims, config.appClaim)]]
    : [() => [appIdentifier(claims, config.appClaim)]]) {
    try {
      ids.push(...collect());
    } catch (error) {
      problems.push(error as MappingError);
    }
  }
  if (ids.length === 0 && problems[0]) throw problems[0];
  return ids;
}

export function mapIdentity(config: AuthMapConfig, claims: JWTPayload, options: { enforceKind: boolean } = { enforceKind: true }): MappedIdentity {
  const kind = tokenKind(claims);
  const identifiers = identifiersOf(config, claims, kind, options);
  const roles: RoleGrant[] = [];
  for (const id of identifiers) {
    const entry = config.map[id];
    if (entry === undefined) continue;
    roles.push(typeof entry === 'string' ? { role: entry, scope: '*', via: id } : { role: entry.role, scope: entry.scope, via: id });
  }
  if (roles.length === 0) {
    throw new MappingError(
      'no-role',
      `no role is mapped to ${identifiers.length ? identifiers.map((id) => `"${id}"`).join(', ') : 'an empty identifier list'} (mode ${config.mode})`,
    );
  }
  return { subject: String(claims.sub ?? ''), kind, clientId: clientIdOf(claims), identifiers, roles };
}

/** Parses the CLI form IDENTIFIER=ROLE[:SCOPE]. */
export function parseMapEntry(text: string): [string, { role: string; scope: string }] {
  const match = /^([^=]+)=([^:]+)(?::(.+))?$/.exec(text);
  if (!match) throw new OptionsError(`"${text}" is not a role mapping: use IDENTIFIER=ROLE or IDENTIFIER=ROLE:SCOPE, e.g. admins=admin:cluster`);
  return [match[1]!, { role: match[2]!, scope: match[3] ?? '*' }];
}
