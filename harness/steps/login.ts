import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { browserlessLogin, LoginError } from '../actors/browserless-login.ts';
import type { ScenarioContext } from '../runner/context.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { endpoint } from '../runner/discovery.ts';
import type { ClientSpec } from '../targets/session.ts';
import { credentialsOf, describeTokenResponse, rememberTokens, tokenRequest } from './oauth.ts';
import { defineStep } from './step.ts';

/*
 * A person logs in: authorization code + PKCE through the IdP's headless interaction API, in a
 * browser with a cookie jar that follows redirects. The code is redeemed by the runner, or handed
 * to the target (authenticator, lakefs-sts) which redeems it itself.
 */

const args = z.strictObject({
  user: z.string().min(1).describe('User name at the IdP.'),
  password: z.string().optional().describe("Password (default: the user's)."),
  client: z.string().min(1).optional().describe("client_id (default: the target's client, else demo)."),
  scope: z.string().optional().describe('Scopes (default "openid profile email groups").'),
  redirect_uri: z.string().optional().describe("Redirect URI (default: the client's first)."),
  pkce: z.enum(['S256', 'plain', 'none']).default('S256').describe('PKCE method, or none.'),
  state: z.string().optional().describe('state (default: random; the PKCE verifier for lakeFS-style targets).'),
  nonce: z
    .union([z.string(), z.boolean()])
    .optional()
    .describe('nonce: a value, true for a random one, false for none (default: random when the runner redeems).'),
  claims: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Claims for this login only, as typed in the login page's JSON box: they land in its ID token and userinfo."),
  consent: z.enum(['approve', 'deny']).default('approve').describe('Answer to a consent prompt.'),
  params: z.record(z.string(), z.string()).optional().describe('Extra authorization request parameters (prompt, max_age, resource, ...).'),
  redeem: z.boolean().optional().describe('Redeem the code at the token endpoint (default: yes, unless the target takes the code).'),
  browser: z.string().min(1).default('default').describe('Which browser (cookie jar): a second name is a second person or device.'),
  fresh: z.boolean().default(false).describe('Start with an empty cookie jar (no IdP session).'),
});

type Args = z.output<typeof args>;

const verifierOf = () => randomBytes(32).toString('base64url');

function resolveLoginClient(ctx: ScenarioContext, id: string | undefined): ClientSpec {
  if (id) return ctx.client(id);
  const main = ctx.target?.setup.clients['main'];
  if (main && ctx.target?.kind.shape === 'server' && main.config.grants?.includes('authorization_code')) return main;
  return ctx.client('demo');
}

export const loginStep = defineStep<Args>({
  name: 'login',
  summary: 'A user logs in: authorization code + PKCE through the headless interaction API, in a browser with a cookie jar.',
  schema: args,
  defaultAs: 'login',
  label: (a) => `login ${a.user}${a.client ? ` at ${a.client}` : ''}`,
  async run(ctx, a) {
    const client = resolveLoginClient(ctx, a.client);
    const redirectUri = a.redirect_uri ?? client.redirectUri ?? client.config.redirectUris?.[0];
    if (!redirectUri) throw new StepFailure(`client "${client.id}" has no redirect URI: add redirectUris to it, or redirect_uri to the step`);
    const redeem = a.redeem ?? !(ctx.target !== undefined && !ctx.target.kind.login.redeem);
    const verifier = a.pkce === 'none' ? undefined : verifierOf();
    const nonce =
      a.nonce === true || (a.nonce === undefined && redeem) ? randomBytes(12).toString('base64url') : typeof a.nonce === 'string' ? a.nonce : undefined;
    const stateCarriesVerifier = ctx.target?.kind.login.stateCarriesVerifier === true && ctx.target.setup.options['pkce'] !== 'off' && !redeem;
    const state =
      a.state ?? (stateCarriesVerifier && verifier ? (nonce ? `code_verifier=${verifier}&nonce=${nonce}` : verifier) : randomBytes(12).toString('base64url'));
    const authorize = new URL(await endpoint(ctx, 'authorization_endpoint'));
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: client.id,
      redirect_uri: redirectUri,
      scope: a.scope ?? 'openid profile email groups',
      state,
      ...(verifier
        ? { code_challenge: a.pkce === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: a.pkce }
        : {}),
      ...(nonce ? { nonce } : {}),
      ...a.params,
    };
    for (const [key, value] of Object.entries(params)) authorize.searchParams.set(key, value);
    const browser = a.fresh ? ctx.newBrowser(a.browser) : ctx.browser(a.browser);
    const base = { client_id: client.id, redirect_uri: redirectUri, state, verifier, nonce, user: a.user };
    let callback: URLSearchParams;
    let callbackUrl: string;
    try {
      const result = await browserlessLogin({
        authorizationUrl: authorize.toString(),
        redirectUri,
        username: a.user,
        password: a.password,
        claims: a.claims,
        consent: a.consent,
        userAgent: browser,
      });
      callback = result.params;
      callbackUrl = result.callbackUrl;
    } catch (error) {
      if (!(error instanceof LoginError)) throw error;
      return { value: { ...base, error: 'login_failed', error_description: error.message, ...(error.status ? { status: error.status } : {}) } };
    }
    const value: Record<string, unknown> = {
      ...base,
      callback_url: callbackUrl,
      code: callback.get('code') ?? undefined,
      iss: callback.get('iss') ?? undefined,
      returned_state: callback.get('state') ?? undefined,
    };
    const error = callback.get('error');
    if (error) return { value: { ...value, error, error_description: callback.get('error_description') ?? undefined } };
    if (!redeem) return { value };
    const form: Record<string, string> = {
      grant_type: 'authorization_code',
      code: String(value['code']),
      redirect_uri: redirectUri,
      ...(verifier ? { code_verifier: verifier } : {}),
    };
    const response = await tokenRequest(ctx, credentialsOf(client), form, 'token (authorization_code)');
    rememberTokens(ctx, client.id, response.json);
    return { ...response, value: { ...value, tokens: response.json } };
  },
  implicitFailure(outcome) {
    const value = outcome.value as { error?: string; error_description?: string; code?: string } | undefined;
    if (value?.error)
      return `the login ended with ${value.error}${value.error_description ? `: ${value.error_description}` : ''} (add an "expect" to this step if that is what you want)`;
    if (outcome.status !== undefined && (outcome.status < 200 || outcome.status >= 300))
      return `the code was not redeemed: ${describeTokenResponse(outcome.status, outcome.json)}`;
    if (!value?.code) return 'the login returned no code';
    return undefined;
  },
});
