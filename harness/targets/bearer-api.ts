import { z } from 'zod';
import { DEFAULT_REDIRECT_URI } from '../scenario/defaults.ts';
import { latestToken, required } from './params.ts';
import { dpopProof } from '../actors/dpop.ts';
import { defineOperation, type TargetKind } from './target.ts';

/*
 * An API protected by IdP access tokens (RFC 6750) that maps the caller to roles (AuthMap, as in
 * docs/components.md): users by a claim such as groups, applications by client id. The conformance
 * mapping (configure an external API the same way): admins → admin (scope cluster), developers →
 * reader, the app client "api-app" → writer.
 */

const optionsSchema = z.looseObject({
  audience: z.string().default('api://conformance').describe('The API identifier: aud of JWT access tokens.'),
  mode: z.enum(['user', 'app', 'converge']).default('converge').describe('Which tokens the API accepts.'),
  map: z
    .record(z.string(), z.unknown())
    .default({ admins: { role: 'admin', scope: 'cluster' }, developers: 'reader', 'api-app': 'writer' })
    .describe('Identifier → role (AuthMap).'),
  appClientId: z.string().default('api-app'),
  appClientSecret: z.string().default('api-app-secret'),
  userClientId: z.string().default('api-web'),
});

export const bearerApiTarget: TargetKind = {
  name: 'bearer-api',
  summary: 'An API protected by IdP access tokens with role mapping: GET /whoami, GET /roles/:role.',
  shape: 'server',
  readinessPath: '/healthcheck',
  optionsSchema,
  matchOptions: ['mode'],
  clients(options) {
    const o = optionsSchema.parse(options);
    return {
      main: {
        id: o.userClientId,
        redirectUri: DEFAULT_REDIRECT_URI,
        config: { name: 'web app calling the API (opaque tokens)', grants: ['authorization_code', 'refresh_token'], redirectUris: [DEFAULT_REDIRECT_URI] },
      },
      app: {
        id: o.appClientId,
        secret: o.appClientSecret,
        config: { name: 'service calling the API', secret: o.appClientSecret, grants: ['client_credentials'], audience: o.audience },
      },
    };
  },
  login: { redeem: true, stateCarriesVerifier: false },
  vars(setup) {
    const o = optionsSchema.parse(setup.options);
    return { audience: o.audience, mode: o.mode };
  },
  embedded(setup) {
    const {
      audience,
      mode,
      map,
      appClientId: _app,
      appClientSecret: _secret,
      userClientId: _user,
      userClaim,
      appClaim,
      ...rest
    } = optionsSchema.parse(setup.options) as z.output<typeof optionsSchema> & { userClaim?: string; appClaim?: string };
    return {
      component: 'bearer-api',
      options: {
        ...rest,
        issuer: setup.issuer,
        audiences: [audience],
        roleMapping: { mode, map, ...(userClaim ? { userClaim } : {}), ...(appClaim ? { appClaim } : {}) },
      },
      flaw: setup.flaw,
    };
  },
  operations: {
    whoami: defineOperation({
      summary:
        'GET /whoami with a bearer token (default: the latest access token); token: null sends no Authorization header. dpop: a key name sends "DPoP <token>" with a fresh proof of that key; dpop_proof sends this proof (a replay).',
      params: z.strictObject({
        token: z.union([z.string(), z.null()]).optional(),
        scheme: z.string().optional().describe('Authorization scheme (default Bearer, DPoP with dpop or dpop_proof).'),
        dpop: z
          .union([z.string().min(1), z.literal(true)])
          .optional()
          .describe('Name of the scenario\'s DPoP key that makes the proof (true: "default").'),
        dpop_proof: z.string().optional().describe('A DPoP proof to send as it is (for example ${previous.value.dpop_proof}, a replay).'),
      }),
      async run(ctx, target, p) {
        const token =
          p.token === null
            ? undefined
            : required(p.token ?? latestToken(ctx, 'access_token'), 'whoami needs an access token: log in or use client_credentials first, or pass token');
        const keyName = p.dpop === true ? 'default' : p.dpop;
        const url = `${required(target.connection.url, 'the API has no URL')}/whoami`;
        const proof = p.dpop_proof ?? (keyName === undefined ? undefined : await dpopProof(ctx, keyName, { method: 'GET', url, accessToken: token }));
        const scheme = p.scheme ?? (proof === undefined ? 'Bearer' : 'DPoP');
        const headers: Record<string, string> = { ...(token ? { authorization: `${scheme} ${token}` } : {}), ...(proof ? { dpop: proof } : {}) };
        const result = await ctx.callTarget({ method: 'GET', url: '/whoami', headers }, 'whoami');
        return proof === undefined ? result : { ...result, value: { dpop_proof: proof } };
      },
    }),
    role: defineOperation({
      summary: 'GET /roles/{role} with a bearer token: 200 when the caller holds the role, 403 otherwise.',
      params: z.strictObject({ role: z.string().min(1), token: z.string().optional() }),
      run(ctx, _target, p) {
        const token = required(
          p.token ?? latestToken(ctx, 'access_token'),
          'role needs an access token: log in or use client_credentials first, or pass token',
        );
        return ctx.callTarget({ method: 'GET', url: `/roles/${encodeURIComponent(p.role)}`, headers: { authorization: `Bearer ${token}` } }, `roles/${p.role}`);
      },
    }),
  },
};
