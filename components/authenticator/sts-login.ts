import type { Context } from 'koa';
import type { JWTPayload } from 'jose';
import type { FlawName } from '../flaws.ts';
import type { TokenValidator } from '../oidc/token-validator.ts';
import { HttpError } from '../server/http-error.ts';
import { redeemCode, type CodeExchangeClient } from './code-exchange.ts';
import { readLoginRequest, readState, type LoginRequest } from './login-request.ts';
import { mapClaims, stringClaims } from './string-claims.ts';

/*
 * POST /sts/login: the STSLogin operation of lakeFS's authentication API (api/authentication.yml in treeverse/lakeFS), as its
 * pipeline of named steps. Token failures become 401 {message}, a bad body 400, an unreachable or
 * broken IdP 502 (see ./app.ts for the mapping).
 */

export interface StsLoginDeps {
  client: CodeExchangeClient;
  validator: TokenValidator;
  pkce: 'state' | 'off';
  redirectUris: readonly string[] | undefined;
  claimMapping: Record<string, string> | undefined;
  /** Used only by the accept-reused-code flaw. */
  replayCache: Map<string, string>;
}

interface StsLogin {
  request: LoginRequest;
  codeVerifier: string | undefined;
  nonce: string | undefined;
  idToken: string;
  claims: JWTPayload;
  reply: Record<string, unknown>;
}

export type StsLoginStep = ((ctx: Context, login: StsLogin, deps: StsLoginDeps) => void | Promise<void>) & { readonly name: string };

function readRequest(ctx: Context, login: StsLogin): void {
  login.request = readLoginRequest(ctx);
}

function checkRedirectUri(_ctx: Context, login: StsLogin, deps: StsLoginDeps): void {
  if (deps.redirectUris && !deps.redirectUris.includes(login.request.redirectUri)) {
    throw new HttpError(400, `redirect_uri "${login.request.redirectUri}" is not one of the configured redirect URIs`);
  }
}

function readPkceState(_ctx: Context, login: StsLogin, deps: StsLoginDeps): void {
  if (deps.pkce === 'off') return;
  const { codeVerifier, nonce } = readState(login.request.state);
  login.codeVerifier = codeVerifier;
  login.nonce = nonce;
}

async function exchangeCode(_ctx: Context, login: StsLogin, deps: StsLoginDeps): Promise<void> {
  ({ idToken: login.idToken } = await redeemCode(deps.client, {
    code: login.request.code,
    redirectUri: login.request.redirectUri,
    codeVerifier: login.codeVerifier,
  }));
}

/** FLAW accept-reused-code: a code seen before is answered from a cache, never sent to the IdP again. */
async function exchangeCodeOrReplay(ctx: Context, login: StsLogin, deps: StsLoginDeps): Promise<void> {
  const cached = deps.replayCache.get(login.request.code);
  if (cached) {
    login.idToken = cached;
    return;
  }
  await exchangeCode(ctx, login, deps);
  deps.replayCache.set(login.request.code, login.idToken);
}

async function validateIdToken(_ctx: Context, login: StsLogin, deps: StsLoginDeps): Promise<void> {
  login.claims = await deps.validator.validate(login.idToken, { expectedNonce: login.nonce });
}

function stringifyClaims(_ctx: Context, login: StsLogin): void {
  login.reply = stringClaims(login.claims);
}

/** FLAW leak-non-string-claims: claims go out as the IdP typed them. */
function passClaimsThrough(_ctx: Context, login: StsLogin): void {
  login.reply = { ...login.claims };
}

function mapClaimNames(_ctx: Context, login: StsLogin, deps: StsLoginDeps): void {
  login.reply = mapClaims(login.reply as Record<string, string>, deps.claimMapping);
}

function renderClaims(ctx: Context, login: StsLogin): void {
  ctx.status = 200;
  ctx.body = { claims: login.reply };
}

const STS_LOGIN_STEPS: readonly StsLoginStep[] = [
  readRequest,
  checkRedirectUri,
  readPkceState,
  exchangeCode,
  validateIdToken,
  stringifyClaims,
  mapClaimNames,
  renderClaims,
];

const FLAWED_STEPS: Partial<Record<FlawName, Record<string, StsLoginStep>>> = {
  'accept-reused-code': { exchangeCode: exchangeCodeOrReplay },
  'leak-non-string-claims': { stringifyClaims: passClaimsThrough },
};

export function stsLoginSteps(flaw: FlawName | undefined): StsLoginStep[] {
  const replaced = flaw === undefined ? undefined : FLAWED_STEPS[flaw];
  return STS_LOGIN_STEPS.map((step) => replaced?.[step.name] ?? step);
}

export async function runStsLogin(ctx: Context, steps: readonly StsLoginStep[], deps: StsLoginDeps): Promise<void> {
  const login = {} as StsLogin;
  for (const step of steps) await step(ctx, login, deps);
}
