import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { UserConfig } from '../config/schema.ts';
import { consentPage, loginPage, type PageTenant } from '../ui/pages.ts';
import { HttpError } from '../server/http-error.ts';
import { parseLoginClaims } from '../provider/login-claims.ts';

/*
 * Login and consent, for people (HTML pages) and for scripts (the same URLs with JSON), so both
 * produce the same grants. Headless login in three calls with a cookie jar:
 *   GET  <issuer>/auth?...                       -> 303 to <issuer>/interaction/<uid>
 *   POST <issuer>/interaction/<uid>/login        username=alice[&password=alice] -> 303 to <issuer>/auth/<uid>
 *   GET  <issuer>/auth/<uid>                     -> 303 to redirect_uri?code=...&state=...&iss=...
 * (plus POST .../consent when the client's consent policy is "prompt").
 */

export interface InteractionTenant {
  readonly name: string;
  readonly provider: Provider;
  readonly users: ReadonlyMap<string, UserConfig>;
  page(): PageTenant;
  usernameOf(sub: string): string;
  subOf(username: string, user: UserConfig): string;
  /** Makes the provider let these claims through before a login hands them over. */
  acceptLoginClaims(claims: Record<string, unknown>): void;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const wantsJson = (ctx: Context): boolean => ctx.accepts('html', 'json') === 'json' || ctx.is('json') === 'json';

async function detailsFor(tenant: InteractionTenant, ctx: Context): Promise<Details> {
  let details: Details;
  try {
    details = await tenant.provider.interactionDetails(ctx.req, ctx.res);
  } catch (error) {
    throw new HttpError(
      400,
      'invalid_request',
      `no open login for this browser (${(error as { error_description?: string }).error_description ?? (error as Error).message}). Start at the authorization endpoint and send back the cookies it sets (use a cookie jar).`,
    );
  }
  if (details.uid !== ctx.params['uid']) {
    throw new HttpError(400, 'invalid_request', `interaction ${ctx.params['uid']} does not belong to this browser's login (cookie is for ${details.uid})`);
  }
  return details;
}

function actions(tenant: InteractionTenant, uid: string) {
  const base = `/${tenant.name}/interaction/${uid}`;
  return { login: `${base}/login`, consent: `${base}/consent`, abort: `${base}/abort` };
}

function clientName(tenant: InteractionTenant, details: Details): Promise<string> {
  const clientId = String(details.params['client_id']);
  return tenant.provider.Client.find(clientId).then((client) => client?.clientName ?? clientId);
}

function requestedScopes(details: Details): string[] {
  const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  return [...(prompt.missingOIDCScope ?? []), ...Object.values(prompt.missingResourceScopes ?? {}).flat()];
}

function pickerUsers(tenant: InteractionTenant) {
  return [...tenant.users].map(([username, user]) => ({ username, name: user.name, email: user.email, disabled: user.disabled }));
}

interface PromptError {
  status: number;
  message: string;
  /** What the person typed, shown again in the form. */
  username?: string;
  claims?: string;
}

function errorCode(status: number): string {
  if (status === 403) return 'access_denied';
  return status === 400 ? 'invalid_request' : 'login_failed';
}

async function renderPrompt(tenant: InteractionTenant, ctx: Context, details: Details, error?: PromptError) {
  const links = actions(tenant, details.uid);
  const name = await clientName(tenant, details);
  if (error) ctx.status = error.status;
  if (wantsJson(ctx)) {
    ctx.body = error
      ? { error: errorCode(error.status), error_description: error.message }
      : {
          uid: details.uid,
          prompt: details.prompt.name,
          reasons: details.prompt.reasons,
          client: { client_id: details.params['client_id'], name },
          scopes:
            details.prompt.name === 'consent'
              ? requestedScopes(details)
              : String(details.params['scope'] ?? '')
                  .split(' ')
                  .filter(Boolean),
          users: details.prompt.name === 'login' ? [...tenant.users.keys()] : undefined,
          actions: links,
        };
    return;
  }
  ctx.type = 'html';
  if (details.prompt.name === 'consent') {
    const username = tenant.usernameOf(details.session?.accountId ?? '');
    ctx.body = consentPage({
      tenant: tenant.page(),
      action: links.consent,
      abortAction: links.abort,
      clientName: name,
      username,
      scopes: requestedScopes(details),
    });
  } else {
    ctx.body = loginPage({
      tenant: tenant.page(),
      action: links.login,
      abortAction: links.abort,
      clientName: name,
      users: pickerUsers(tenant),
      ...(error ? { error: error.message } : {}),
      ...(error?.username ? { username: error.username } : {}),
      ...(error?.claims ? { claims: error.claims } : {}),
    });
  }
}

function redirectTo(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.set('Location', location);
  ctx.body = wantsJson(ctx) ? { redirect_to: location } : '';
}

function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, 'invalid_request', `"${name}" must be a string`);
  return value;
}

export function interactionRouter(tenant: InteractionTenant): Middleware {
  const router = new Router({ prefix: '/interaction/:uid' });
  const parseBody = bodyParser({
    enableTypes: ['json', 'form'],
    jsonLimit: '16kb',
    formLimit: '16kb',
    onError: () => {
      throw new HttpError(400, 'invalid_request', 'the request body could not be parsed: send application/x-www-form-urlencoded or JSON');
    },
  });

  router.get('/', async (ctx) => {
    const details = await detailsFor(tenant, ctx);
    await renderPrompt(tenant, ctx, details);
  });

  router.post('/login', parseBody, async (ctx) => {
    const details = await detailsFor(tenant, ctx);
    if (details.prompt.name !== 'login')
      throw new HttpError(
        400,
        'invalid_request',
        `this interaction asks for ${details.prompt.name}, not login: POST to ${actions(tenant, details.uid).consent}`,
      );
    const body = ctx.request.body as Record<string, unknown> | undefined;
    // A click on a test user of the page ("pick") signs in without the password field.
    const picked = field(body, 'pick')?.trim();
    const username = picked || field(body, 'username')?.trim();
    const password = picked ? undefined : field(body, 'password');
    const claimsInput = body?.['claims'];
    const typedClaims = typeof claimsInput === 'string' ? claimsInput : claimsInput === undefined ? undefined : JSON.stringify(claimsInput, null, 2);
    const kept = { ...(username ? { username } : {}), ...(typedClaims ? { claims: typedClaims } : {}) };
    if (!username) {
      return renderPrompt(tenant, ctx, details, { status: 400, message: 'Enter a user name.', ...kept });
    }
    const user = tenant.users.get(username);
    if (!user) {
      return renderPrompt(tenant, ctx, details, {
        status: 401,
        message: `Unknown user "${username}". Known users: ${[...tenant.users.keys()].join(', ') || '(none)'}.`,
        ...kept,
      });
    }
    if (user.disabled) {
      return renderPrompt(tenant, ctx, details, { status: 403, message: `User "${username}" is disabled.`, ...kept });
    }
    // The quick picker and scripts that send no password skip the check; a password that is sent must match.
    if (password !== undefined && password !== (user.password ?? username)) {
      return renderPrompt(tenant, ctx, details, { status: 401, message: 'Wrong password.', ...kept });
    }
    const parsed = parseLoginClaims(claimsInput);
    if ('problem' in parsed) {
      return renderPrompt(tenant, ctx, details, { status: 400, message: parsed.problem, ...kept });
    }
    if (parsed.claims) tenant.acceptLoginClaims(parsed.claims);
    const result = { login: { accountId: tenant.subOf(username, user) }, ...(parsed.claims ? { loginClaims: parsed.claims } : {}) };
    const location = await tenant.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    redirectTo(ctx, location);
  });

  router.post('/consent', parseBody, async (ctx) => {
    const details = await detailsFor(tenant, ctx);
    if (details.prompt.name !== 'consent')
      throw new HttpError(
        400,
        'invalid_request',
        `this interaction asks for ${details.prompt.name}, not consent: POST to ${actions(tenant, details.uid).login}`,
      );
    const { Grant } = tenant.provider;
    const grant = details.grantId
      ? await Grant.find(details.grantId)
      : new Grant({ accountId: details.session!.accountId, clientId: String(details.params['client_id']) });
    if (!grant) throw new HttpError(400, 'invalid_request', 'the grant of this interaction no longer exists: start the login again');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    const location = await tenant.provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    redirectTo(ctx, location);
  });

  router.post('/abort', async (ctx) => {
    await detailsFor(tenant, ctx);
    const location = await tenant.provider.interactionResult(
      ctx.req,
      ctx.res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
    redirectTo(ctx, location);
  });

  const routes = router.routes() as unknown as Middleware;
  return function interactions(ctx: Context, next: () => Promise<unknown>) {
    return ctx.path.startsWith('/interaction/') ? routes(ctx, next) : next();
  };
}
