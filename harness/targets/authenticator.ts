import { z } from 'zod';
import { DEFAULT_REDIRECT_URI } from '../scenario/defaults.ts';
import { fromLogin, pickValue, required, withoutUndefined } from './params.ts';
import { defineOperation, type TargetKind } from './target.ts';
import type { ClientSpec } from './session.ts';

/*
 * A remote authenticator implementing the lakeFS authentication API (api/authentication.yml in
 * https://github.com/treeverse/lakeFS): it turns an authorization code into string claims. The URL
 * given is lakeFS's auth.authentication_api.endpoint: operations append /sts/login,
 * /auth/external/principal/login and /healthcheck to it.
 */

const optionsSchema = z.looseObject({
  clientId: z.string().default('lakefs').describe('The IdP client the authenticator redeems codes as.'),
  clientSecret: z.string().optional().default('lakefs-secret').describe('Its secret (empty for a public client).'),
  redirectUri: z.string().default(DEFAULT_REDIRECT_URI).describe("The redirect URI lakeFS's login uses."),
  pkce: z.enum(['state', 'off']).default('state').describe('state: logins send the PKCE verifier in state (the lakeFS sample flow); off: no PKCE.'),
});

const nullable = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]).optional();

/** The IdP client an authenticator redeems codes as (also the one behind a lakeFS STS login). */
export function authenticatorClients(
  o: { clientId: string; clientSecret?: string | undefined; redirectUri: string; pkce: 'state' | 'off' },
  name: string,
): Record<string, ClientSpec> {
  const secret = o.clientSecret || undefined;
  return {
    main: {
      id: o.clientId,
      secret,
      redirectUri: o.redirectUri,
      config: {
        name,
        ...(secret ? { secret } : {}),
        grants: ['authorization_code'],
        redirectUris: [o.redirectUri],
        ...(o.pkce === 'off' ? {} : { pkce: 'required' as const }),
      },
    },
  };
}

export const authenticatorTarget: TargetKind = {
  name: 'authenticator',
  summary: 'A remote authenticator (lakeFS authentication API): POST /sts/login turns {code, state, redirect_uri} into string claims.',
  shape: 'server',
  readinessPath: '/healthcheck',
  optionsSchema,
  clients: (options) => authenticatorClients(optionsSchema.parse(options), 'authenticator under test'),
  login: { redeem: false, stateCarriesVerifier: true },
  embedded(setup) {
    const { clientId, clientSecret, redirectUri: _redirect, ...rest } = optionsSchema.parse(setup.options);
    return { component: 'authenticator', options: { ...rest, issuer: setup.issuer, clientId, ...(clientSecret ? { clientSecret } : {}) }, flaw: setup.flaw };
  },
  operations: {
    login: defineOperation({
      offer: 'sts-login',
      summary:
        "POST /sts/login with {code, state, redirect_uri} (default: the latest login's). A field set to null is left out; `body` sends any JSON instead.",
      params: z.strictObject({
        code: nullable(z.string()),
        state: nullable(z.string()),
        redirect_uri: nullable(z.string()),
        body: z.unknown().optional(),
        content_type: z.string().optional(),
      }),
      async run(ctx, _target, p) {
        const body =
          p.body !== undefined
            ? p.body
            : withoutUndefined({
                code: pickValue(p.code, fromLogin(ctx, 'code')),
                state: pickValue(p.state, fromLogin(ctx, 'state')),
                redirect_uri: pickValue(p.redirect_uri, fromLogin(ctx, 'redirect_uri')),
              });
        if (p.body === undefined && p.code === undefined)
          required(fromLogin(ctx, 'code'), 'authenticator.login needs a code: run a login step first (login: {user: alice}) or pass code');
        const spec = p.content_type
          ? { method: 'POST', url: '/sts/login', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': p.content_type } }
          : { method: 'POST', url: '/sts/login', json: body };
        return ctx.callTarget(spec, 'sts/login');
      },
    }),
    principal_login: defineOperation({
      offer: 'principal-login',
      summary: 'POST /auth/external/principal/login with {identityToken} (or any JSON `body`).',
      params: z.strictObject({ identityToken: z.string().optional(), body: z.unknown().optional() }),
      async run(ctx, _target, p) {
        const body = p.body ?? { identityToken: required(p.identityToken, 'principal_login needs identityToken (or body)') };
        return ctx.callTarget({ method: 'POST', url: '/auth/external/principal/login', json: body }, 'auth/external/principal/login');
      },
    }),
    healthcheck: defineOperation({
      summary: 'GET /healthcheck (204 when healthy).',
      params: z.strictObject({}),
      run: (ctx) => ctx.callTarget({ method: 'GET', url: '/healthcheck' }, 'healthcheck'),
    }),
  },
};
