import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { SignJWT } from 'jose';
import type { FlawName } from '../flaws.ts';
import { HttpError } from '../server/http-error.ts';
import { readJsonObject } from '../server/json-body.ts';
import { validateSts } from './authenticator-client.ts';

/*
 * POST /api/v1/sts/login: lakeFS's public STS login (stsLogin in api/swagger.yml and pkg/api/controller.go of
 * treeverse/lakeFS; https://docs.lakefs.io/security/sts-login.html) as its pipeline. The code,
 * state and redirect_uri go to the authenticator; its claims pick the lakeFS user; the answer is
 * lakeFS's own short-lived HS256 login token.
 */

const DEFAULT_TTL_SECONDS = 3600;
const MAX_TTL_SECONDS = 43200;

export interface LakefsLoginDeps {
  authenticatorUrl: string | undefined;
  users: Record<string, string> | undefined;
  validateIdTokenClaims: Record<string, string>;
  secret: Uint8Array;
  now: () => number;
  timeoutMs: number;
}

interface LakefsLogin {
  request: { code: string; state: string; redirect_uri: string };
  ttlSeconds: number | undefined;
  claims: Record<string, string>;
  username: string;
  ttl: number;
  token: string;
  expiration: number;
}

type Step = ((ctx: Context, login: LakefsLogin, deps: LakefsLoginDeps) => void | Promise<void>) & { readonly name: string };

function readLoginBody(ctx: Context, login: LakefsLogin): void {
  const body = readJsonObject(ctx, '{"code", "state", "redirect_uri", "ttl_seconds"?}');
  const fields: Record<string, string> = {};
  for (const field of ['code', 'state', 'redirect_uri']) {
    const value = body[field];
    if (typeof value !== 'string' || value === '') throw new HttpError(400, `${field} is required and must be a non-empty string`);
    if (value.length > 4096) throw new HttpError(400, `${field} is ${value.length} characters long; at most 4096 are accepted`);
    fields[field] = value;
  }
  login.request = fields as LakefsLogin['request'];
  const ttl = body['ttl_seconds'];
  if (ttl !== undefined && ttl !== null && (typeof ttl !== 'number' || !Number.isSafeInteger(ttl)))
    throw new HttpError(400, 'ttl_seconds must be an integer number of seconds');
  login.ttlSeconds = ttl ?? undefined;
}

function requireAuthenticationApi(_ctx: Context, _login: LakefsLogin, deps: LakefsLoginDeps): void {
  if (!deps.authenticatorUrl) throw new HttpError(501, 'no authentication API is configured (start the STS with --authenticator URL)');
}

async function callAuthenticator(_ctx: Context, login: LakefsLogin, deps: LakefsLoginDeps): Promise<void> {
  login.claims = await validateSts(deps.authenticatorUrl!, login.request, deps.timeoutMs);
}

function checkClaims(_ctx: Context, login: LakefsLogin, deps: LakefsLoginDeps): void {
  for (const [name, expected] of Object.entries(deps.validateIdTokenClaims)) {
    if (login.claims[name] !== expected) throw new HttpError(401, `claim "${name}" does not have the required value`);
  }
  if (!login.claims['sub']) throw new HttpError(401, 'the authenticator returned no sub claim');
}

function findUser(_ctx: Context, login: LakefsLogin, deps: LakefsLoginDeps): void {
  const sub = login.claims['sub']!;
  const username = deps.users ? deps.users[sub] : sub;
  if (!username) throw new HttpError(404, `no lakeFS user has the external id "${sub}"`);
  login.username = username;
}

function computeTtl(_ctx: Context, login: LakefsLogin): void {
  if (login.ttlSeconds !== undefined && login.ttlSeconds < 1)
    throw new HttpError(400, 'ttl_seconds must be at least 1 (lakeFS itself would mint an already expired token)');
  login.ttl = login.ttlSeconds === undefined ? DEFAULT_TTL_SECONDS : Math.min(MAX_TTL_SECONDS, login.ttlSeconds);
}

/** FLAW uncapped-lakefs-ttl: the caller's ttl_seconds is used as is. */
function computeTtlUncapped(_ctx: Context, login: LakefsLogin): void {
  if (login.ttlSeconds !== undefined && login.ttlSeconds < 1) throw new HttpError(400, 'ttl_seconds must be at least 1');
  login.ttl = login.ttlSeconds ?? DEFAULT_TTL_SECONDS;
}

async function mintLoginToken(_ctx: Context, login: LakefsLogin, deps: LakefsLoginDeps): Promise<void> {
  const iat = Math.floor(deps.now() / 1000);
  login.expiration = iat + login.ttl;
  login.token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('auth')
    .setAudience('login')
    .setSubject(login.username)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(login.expiration)
    .sign(deps.secret);
}

function renderToken(ctx: Context, login: LakefsLogin): void {
  ctx.status = 200;
  ctx.body = { token: login.token, token_expiration: login.expiration };
}

const LAKEFS_LOGIN_STEPS: readonly Step[] = [
  readLoginBody,
  requireAuthenticationApi,
  callAuthenticator,
  checkClaims,
  findUser,
  computeTtl,
  mintLoginToken,
  renderToken,
];

export function lakefsLoginSteps(flaw: FlawName | undefined): Step[] {
  return LAKEFS_LOGIN_STEPS.map((step) => (flaw === 'uncapped-lakefs-ttl' && step === computeTtl ? computeTtlUncapped : step));
}

export async function runLakefsLogin(ctx: Context, steps: readonly Step[], deps: LakefsLoginDeps): Promise<void> {
  const login = {} as LakefsLogin;
  for (const step of steps) await step(ctx, login, deps);
}
