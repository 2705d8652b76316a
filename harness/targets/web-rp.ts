import { z } from 'zod';
import { browserlessLogin, LoginError } from '../actors/browserless-login.ts';
import { readForms } from '../actors/user-agent.ts';
import { afterLogoutPage, type FrameLoad } from '../actors/after-logout.ts';
import type { ClientInput } from '../../mock-idp/index.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { headersOf, toHttpResult } from '../runner/http.ts';
import { required } from './params.ts';
import { defineOperation, type TargetKind } from './target.ts';

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
  redirectUri: z.string().optional().describe("The app's redirect URI (default: its URL + callbackPath)."),
  postLogoutRedirectUri: z.string().optional().describe('Where the app wants the browser back after logout (default: its URL + /logged-out).'),
  backchannelLogoutUri: z.string().optional().describe('Where the app takes back-channel logout tokens (default: its URL + /backchannel-logout).'),
  frontchannelLogoutUri: z
    .string()
    .optional()
    .describe("Where the IdP's page after a logout sends the app's front-channel logout iframe (default: its URL + /frontchannel-logout)."),
  initiateLoginUri: z.string().optional().describe('Where a third party sends the browser to start a login at the app (default: its URL + /initiate-login).'),
  responseMode: z
    .enum(['query', 'form_post'])
    .default('query')
    .describe(
      "How the app asks the IdP to return the authorization response: in the redirect's query, or as a form POST to its callback (OAuth 2.0 Form Post Response Mode).",
    ),
  webfinger: z
    .enum(['off', 'acct', 'url'])
    .default('off')
    .describe(
      'The app finds its issuer with WebFinger from a user identifier: acct:alice+TENANT@host or http://host/TENANT/alice (OpenID Connect Discovery §2).',
    ),
  registration: z
    .enum(['static', 'dynamic'])
    .default('static')
    .describe('The app uses its configured client, or registers one itself (OpenID Connect Dynamic Client Registration).'),
  requestObject: z
    .enum(['off', 'none', 'RS256'])
    .default('off')
    .describe('The app passes its authorization requests as request objects by reference (request_uri), unsigned or signed RS256 with a key it registered.'),
  userinfoAlg: z.string().optional().describe('The app takes userinfo as a JWT signed with this algorithm (userinfo_signed_response_alg).'),
  userinfo: z
    .enum(['header', 'body', 'none'])
    .default('header')
    .describe('How the app sends the access token to userinfo after a login: in the Authorization header, as a form body parameter, or not at all.'),
});

const LAST_CALLBACK = '$webRpCallback';

/** The redirect URI registered until the app's URL is known (afterLaunch replaces it). */
const UNKNOWN_REDIRECT_URI = 'http://127.0.0.1:1/callback';

export const webRpTarget: TargetKind = {
  name: 'web-rp',
  summary: 'A web app (relying party): GET /login → IdP → GET /callback sets a session; GET /me shows the user.',
  shape: 'server',
  readinessPath: '/login',
  optionsSchema,
  matchOptions: ['userinfo', 'responseMode', 'webfinger', 'registration', 'requestObject', 'userinfoAlg'],
  clients(options) {
    const o = optionsSchema.parse(options);
    const redirectUri = o.redirectUri ?? UNKNOWN_REDIRECT_URI;
    return {
      main: {
        id: o.clientId,
        secret: o.clientSecret,
        redirectUri,
        config: { name: 'web app under test', secret: o.clientSecret, grants: ['authorization_code', 'refresh_token'], redirectUris: [redirectUri] },
      },
    };
  },
  afterLaunch(url, setup): Record<string, Partial<ClientInput>> {
    const o = optionsSchema.parse(setup.options);
    if (!url) return {};
    const registered = setup.clients['main']?.redirectUri;
    const redirectUri = o.redirectUri ?? (registered && registered !== UNKNOWN_REDIRECT_URI ? registered : `${url}${o.callbackPath}`);
    // Where the app takes the browser back after logout, and where the IdP posts logout tokens.
    const patch: Partial<ClientInput> = {
      redirectUris: [redirectUri],
      postLogoutRedirectUris: [o.postLogoutRedirectUri ?? `${url}/logged-out`],
      backchannelLogoutUri: o.backchannelLogoutUri ?? `${url}/backchannel-logout`,
      backchannelLogoutSessionRequired: true,
      frontchannelLogoutUri: o.frontchannelLogoutUri ?? `${url}/frontchannel-logout`,
      frontchannelLogoutSessionRequired: true,
      initiateLoginUri: o.initiateLoginUri ?? `${url}/initiate-login`,
    };
    setup.clients['main'] = { ...setup.clients['main']!, redirectUri, config: { ...setup.clients['main']!.config, ...patch } };
    return { main: patch };
  },
  login: { redeem: false, stateCarriesVerifier: false },
  embedded(setup) {
    const o = optionsSchema.parse(setup.options);
    const base = setup.issuer.slice(0, setup.issuer.length - setup.tenant.length - 1);
    const webfingerIdentifier =
      o.webfinger === 'acct' ? `acct:alice+${setup.tenant}@${new URL(base).host}` : o.webfinger === 'url' ? `${base}/${setup.tenant}/alice` : undefined;
    return {
      component: 'web-rp',
      options: {
        issuer: setup.issuer,
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        userinfo: o.userinfo,
        responseMode: o.responseMode,
        registration: o.registration,
        requestObject: o.requestObject,
        ...(o.userinfoAlg ? { userinfoAlg: o.userinfoAlg } : {}),
        ...(webfingerIdentifier ? { webfingerIdentifier } : {}),
      },
      flaw: setup.flaw,
    };
  },
  operations: {
    login: defineOperation({
      summary: "A person signs in through the app: the browser opens /login, logs in at the IdP, comes back to /callback; the answer is the app's final page.",
      params: z.strictObject({
        user: z.string().min(1),
        password: z.string().optional(),
        consent: z.enum(['approve', 'deny']).default('approve'),
        browser: z.string().default('default'),
      }),
      async run(ctx, target, p) {
        const o = optionsSchema.parse(target.setup.options);
        const base = required(target.connection.url, 'the web app has no URL');
        const redirectUri = target.setup.clients['main']?.redirectUri ?? `${base}${o.callbackPath}`;
        const browser = ctx.browser(p.browser);
        let callbackUrl: string;
        let formPost: Record<string, string> | undefined;
        try {
          ({ callbackUrl, formPost } = await browserlessLogin({
            authorizationUrl: `${base}${o.loginPath}`,
            redirectUri,
            username: p.user,
            password: p.password,
            consent: p.consent,
            userAgent: browser,
          }));
        } catch (error) {
          if (error instanceof LoginError) throw new StepFailure(`the login through the app failed: ${error.message}`);
          throw error;
        }
        ctx.vars[LAST_CALLBACK] = { url: callbackUrl, form: formPost };
        const { response } = await browser.follow(callbackUrl, formPost ? { form: formPost } : {});
        const result = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return { ...result, value: { callback_url: callbackUrl } };
      },
    }),
    third_party_login: defineOperation({
      summary:
        "A login started by a third party: the browser opens the IdP's initiate_login page for the app's client, which sends it to the app's initiate_login_uri with iss; the app sends it on to log in (as login).",
      params: z.strictObject({ user: z.string().min(1), password: z.string().optional(), browser: z.string().default('default') }),
      async run(ctx, target, p) {
        const o = optionsSchema.parse(target.setup.options);
        const base = required(target.connection.url, 'the web app has no URL');
        const redirectUri = target.setup.clients['main']?.redirectUri ?? `${base}${o.callbackPath}`;
        const start = `${ctx.idp.issuer}/initiate_login?client_id=${encodeURIComponent(target.setup.clients['main']!.id)}&login_hint=${encodeURIComponent(p.user)}`;
        const browser = ctx.browser(p.browser);
        let result: Awaited<ReturnType<typeof browserlessLogin>>;
        try {
          result = await browserlessLogin({ authorizationUrl: start, redirectUri, username: p.user, password: p.password, userAgent: browser });
        } catch (error) {
          if (error instanceof LoginError) throw new StepFailure(`the login started by a third party failed: ${error.message}`);
          throw error;
        }
        const { response } = await browser.follow(result.callbackUrl, result.formPost ? { form: result.formPost } : {});
        const answer = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return { ...answer, value: { callback_url: result.callbackUrl } };
      },
    }),
    get: defineOperation({
      summary: 'The browser GETs a path of the app with its cookies (default /me).',
      params: z.strictObject({ path: z.string().default('/me'), browser: z.string().default('default') }),
      async run(ctx, target, p) {
        const base = required(target.connection.url, 'the web app has no URL');
        const response = await ctx.browser(p.browser).request(`${base}${p.path}`, { headers: { accept: 'application/json' } });
        const result = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return result;
      },
    }),
    logout: defineOperation({
      summary:
        "RP-initiated logout: the browser opens /logout, confirms at the IdP, and comes back to the app; the answer is the app's page after logout. Value: state (what the IdP sent back).",
      params: z.strictObject({ browser: z.string().default('default') }),
      async run(ctx, target, p) {
        const base = required(target.connection.url, 'the web app has no URL');
        const browser = ctx.browser(p.browser);
        const isApp = (next: string) => next.startsWith(base);
        const toIdp = await browser.follow(`${base}/logout`, {}, { stop: (next) => !isApp(next) });
        if (!toIdp.stoppedAt) {
          const result = toHttpResult(toIdp.response.status, headersOf(toIdp.response.headers), await toIdp.response.text());
          ctx.recordTargetRequests();
          return result;
        }
        const confirm = await browser.follow(toIdp.stoppedAt, {}, { stop: isApp });
        let back = confirm.stoppedAt;
        let frames: FrameLoad[] = [];
        if (!back) {
          const form = readForms(await confirm.response.text(), confirm.url).find((candidate) => 'xsrf' in candidate.fields);
          if (!form) throw new StepFailure(`the IdP's logout page at ${confirm.url} has no confirmation form (status ${confirm.response.status})`);
          const done = await browser.follow(form.action, { form: { ...form.fields, logout: 'yes' } }, { stop: isApp });
          back = done.stoppedAt;
          if (!back && done.response.status === 200) {
            // The page after the logout: front-channel iframes, then on to the app.
            const page = await afterLogoutPage(browser, await done.response.text(), done.url);
            frames = page.frames;
            back = page.continueTo;
          }
          if (!back)
            throw new StepFailure(`the IdP did not send the browser back to the app after logout (it answered ${done.response.status} at ${done.url})`);
        }
        const response = await browser.request(back, { headers: { accept: 'application/json' } });
        const result = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return { ...result, value: { returned_to: back, state: new URL(back).searchParams.get('state') ?? undefined, frontchannel: frames } };
      },
    }),
    refresh: defineOperation({
      summary: 'The browser POSTs /refresh with its cookies: the app refreshes its tokens (and checks the new ID token and userinfo).',
      params: z.strictObject({ browser: z.string().default('default') }),
      async run(ctx, target, p) {
        const base = required(target.connection.url, 'the web app has no URL');
        const response = await ctx.browser(p.browser).request(`${base}/refresh`, { method: 'POST', headers: { accept: 'application/json' } });
        const result = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return result;
      },
    }),
    replay_callback: defineOperation({
      summary: 'The browser opens the latest callback URL again (a replayed code and state); a careful app refuses it.',
      params: z.strictObject({ browser: z.string().default('default') }),
      async run(ctx, _target, p) {
        const callback = required(
          ctx.vars[LAST_CALLBACK] as { url: string; form: Record<string, string> | undefined } | undefined,
          'replay_callback needs an earlier web-rp.login',
        );
        const response = await ctx.browser(p.browser).request(callback.url, callback.form ? { form: callback.form } : {});
        const result = toHttpResult(response.status, headersOf(response.headers), await response.text());
        ctx.recordTargetRequests();
        return result;
      },
    }),
  },
};
