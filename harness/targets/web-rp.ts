import { z } from 'zod';
import { browserlessLogin, LoginError } from '../actors/browserless-login.ts';
import { StepFailure } from '../runner/context.ts';
import { headersOf, toHttpResult } from '../runner/http.ts';
import { required } from './params.ts';
import type { TargetKind } from './target.ts';

/*
 * A web application that logs people in with the IdP (a relying party). Its contract, which an
 * external app implements too: GET /login redirects the browser to the IdP; GET /callback finishes
 * the login (2xx, or a redirect to a page that answers 2xx) and sets a session cookie; GET /me
 * answers the signed-in user as JSON with that cookie, 401 without; POST /refresh refreshes the
 * session's tokens (200, or 401 when the IdP's answer does not hold up).
 */

const optionsSchema = z.looseObject({
  clientId: z.string().default('web-rp'),
  clientSecret: z.string().default('web-rp-secret'),
  loginPath: z.string().default('/login'),
  callbackPath: z.string().default('/callback'),
  redirectUri: z.string().optional().describe('The app\'s redirect URI (default: its URL + callbackPath).'),
  userinfo: z.enum(['header', 'body', 'none']).default('header').describe('How the app sends the access token to userinfo after a login: in the Authorization header, as a form body parameter, or not at all.'),
});

const LAST_CALLBACK = '$webRpCallback';

export const webRpTarget: TargetKind = {
  name: 'web-rp',
  summary: 'A web app (relying party): GET /login → IdP → GET /callback sets a session; GET /me shows the user.',
  shape: 'server',
  readinessPath: '/login',
  optionsSchema,
  matchOptions: ['userinfo'],
  clients(options) {
    const o = optionsSchema.parse(options);
    const redirectUri = o.redirectUri ?? 'http://127.0.0.1:1/callback';
    return { main: { id: o.clientId, secret: o.clientSecret, redirectUri, config: { name: 'web app under test', secret: o.clientSecret, grants: ['authorization_code', 'refresh_token'], redirectUris: [redirectUri] } } };
  },
  afterLaunch(url, setup): Record<string, { redirectUris: string[] }> {
    const o = optionsSchema.parse(setup.options);
    if (o.redirectUri || !url) return {};
    const redirectUri = `${url}${o.callbackPath}`;
    setup.clients['main'] = { ...setup.clients['main']!, redirectUri, config: { ...setup.clients['main']!.config, redirectUris: [redirectUri] } };
    return { main: { redirectUris: [redirectUri] } };
  },
  login: { redeem: false, stateCarriesVerifier: false },
  embedded(setup) {
    const o = optionsSchema.parse(setup.options);
    return { component: 'web-rp', options: { issuer: setup.issuer, clientId: o.clientId, clientSecret: o.clientSecret, userinfo: o.userinfo }, flaw: setup.flaw };
  },
  operations: {
    login: {
      summary: 'A person signs in through the app: the browser opens /login, logs in at the IdP, comes back to /callback; the answer is the app\'s final page.',
      params: z.strictObject({ user: z.string().min(1), password: z.string().optional(), consent: z.enum(['approve', 'deny']).default('approve'), browser: z.string().default('default') }),
      async run(ctx, target, p) {
        const o = optionsSchema.parse(target.setup.options);
        const base = required(target.connection.url, 'the web app has no URL');
        const redirectUri = target.setup.clients['main']?.redirectUri ?? `${base}${o.callbackPath}`;
        const browser = ctx.browser(p.browser);
        let callbackUrl: string;
        try {
          ({ callbackUrl } = await browserlessLogin({ authorizationUrl: `${base}${o.loginPath}`, redirectUri, username: p.user, password: p.password, consent: p.consent, userAgent: browser }));
        } catch (error) {
          if (error instanceof LoginError) throw new StepFailure(`the login through the app failed: ${error.message}`);
          throw error;
        }
        ctx.vars[LAST_CALLBACK] = callbackUrl;
        const { response } = await browser.follow(callbackUrl);
        const result = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return { ...result, value: { callback_url: callbackUrl } };
      },
    },
    get: {
      summary: 'The browser GETs a path of the app with its cookies (default /me).',
      params: z.strictObject({ path: z.string().default('/me'), browser: z.string().default('default') }),
      async run(ctx, target, p) {
        const base = required(target.connection.url, 'the web app has no URL');
        const response = await ctx.browser(p.browser).request(`${base}${p.path}`, { headers: { accept: 'application/json' } });
        const result = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return result;
      },
    },
    refresh: {
      summary: 'The browser POSTs /refresh with its cookies: the app refreshes its tokens (and checks the new ID token and userinfo).',
      params: z.strictObject({ browser: z.string().default('default') }),
      async run(ctx, target, p) {
        const base = required(target.connection.url, 'the web app has no URL');
        const response = await ctx.browser(p.browser).request(`${base}/refresh`, { method: 'POST', headers: { accept: 'application/json' } });
        const result = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return result;
      },
    },
    replay_callback: {
      summary: 'The browser opens the latest callback URL again (a replayed code and state); a careful app refuses it.',
      params: z.strictObject({ browser: z.string().default('default') }),
      async run(ctx, _target, p) {
        const callback = required(ctx.vars[LAST_CALLBACK] as string | undefined, 'replay_callback needs an earlier web-rp.login');
        const response = await ctx.browser(p.browser).request(callback);
        const result = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return result;
      },
    },
  },
};
