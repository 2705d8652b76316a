import { z } from 'zod';
import { DEFAULT_REDIRECT_URI } from '../scenario/defaults.ts';
import { fromLogin, pickValue, required, withoutUndefined } from './params.ts';
import { defineOperation, type TargetKind } from './target.ts';
import { authenticatorClients } from './authenticator.ts';

/*
 * lakeFS's public STS login (https://docs.lakefs.io/security/sts-login.html; stsLogin in lakeFS's
 * api/swagger.yml): POST /api/v1/sts/login turns a code into a lakeFS login token (HS256 JWT, iss
 * auth, aud login), through lakeFS's authenticator. The URL is lakeFS's (or the STS component's) base URL.
 */

const optionsSchema = z.looseObject({
  clientId: z.string().default('lakefs').describe('The IdP client of the authenticator behind lakeFS.'),
  clientSecret: z.string().optional().default('lakefs-secret'),
  redirectUri: z.string().default(DEFAULT_REDIRECT_URI),
  pkce: z.enum(['state', 'off']).default('state'),
  authenticator: z.record(z.string(), z.unknown()).default({}).describe('Options of the embedded authenticator behind the STS.'),
});

const nullable = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]).optional();

const LAKEFS_TOKEN = '$lakefsToken';

export const lakefsStsTarget: TargetKind = {
  name: 'lakefs-sts',
  summary: 'lakeFS public STS login: POST /api/v1/sts/login turns {code, state, redirect_uri, ttl_seconds} into a lakeFS token.',
  shape: 'server',
  readinessPath: '/healthcheck',
  optionsSchema,
  clients: (options) => authenticatorClients(optionsSchema.parse(options), 'lakeFS (authenticator) under test'),
  login: { redeem: false, stateCarriesVerifier: true },
  embedded(setup) {
    const { clientId, clientSecret, redirectUri: _redirect, pkce, authenticator, ...sts } = optionsSchema.parse(setup.options);
    return {
      component: 'lakefs-sts',
      options: {
        authenticator: { issuer: setup.issuer, clientId, ...(clientSecret ? { clientSecret } : {}), pkce, ...authenticator },
        sts,
      },
      flaw: setup.flaw,
    };
  },
  operations: {
    login: defineOperation({
      offer: 'sts-login',
      summary: 'POST /api/v1/sts/login with {code, state, redirect_uri} of the latest login and an optional ttl_seconds; null leaves a field out.',
      params: z.strictObject({
        code: nullable(z.string()),
        state: nullable(z.string()),
        redirect_uri: nullable(z.string()),
        ttl_seconds: z.union([z.number(), z.string()]).optional(),
        body: z.unknown().optional(),
      }),
      async run(ctx, _target, p) {
        if (p.body === undefined && p.code === undefined)
          required(fromLogin(ctx, 'code'), 'lakefs-sts.login needs a code: run a login step first or pass code');
        const body =
          p.body ??
          withoutUndefined({
            code: pickValue(p.code, fromLogin(ctx, 'code')),
            state: pickValue(p.state, fromLogin(ctx, 'state')),
            redirect_uri: pickValue(p.redirect_uri, fromLogin(ctx, 'redirect_uri')),
            ttl_seconds: p.ttl_seconds,
          });
        const result = await ctx.callTarget({ method: 'POST', url: '/api/v1/sts/login', json: body }, 'api/v1/sts/login');
        const token = (result.json as { token?: unknown } | undefined)?.token;
        if (result.status === 200 && typeof token === 'string') ctx.vars[LAKEFS_TOKEN] = token;
        return result;
      },
    }),
    user: defineOperation({
      summary: "GET /api/v1/user with the lakeFS token (default: the latest login's) as a bearer token.",
      params: z.strictObject({ token: z.string().optional() }),
      async run(ctx, _target, p) {
        const token = required(
          p.token ?? (ctx.vars[LAKEFS_TOKEN] as string | undefined),
          'lakefs-sts.user needs a token: call lakefs-sts.login first or pass token',
        );
        return ctx.callTarget({ method: 'GET', url: '/api/v1/user', headers: { authorization: `Bearer ${token}` } }, 'api/v1/user');
      },
    }),
    healthcheck: defineOperation({
      summary: 'GET /healthcheck.',
      params: z.strictObject({}),
      run: (ctx) => ctx.callTarget({ method: 'GET', url: '/healthcheck' }, 'healthcheck'),
    }),
  },
};
