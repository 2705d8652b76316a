import { z } from 'zod';
import { afterLogoutPage } from '../actors/after-logout.ts';
import { readForms } from '../actors/user-agent.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { endpoint } from '../runner/discovery.ts';
import { lastTokens } from './oauth.ts';
import { defineStep } from './step.ts';

/*
 * RP-initiated logout: the browser goes to the IdP's end_session endpoint with the ID token as a
 * hint, confirms on the logout page, and follows the redirect back.
 */

const args = z.strictObject({
  id_token_hint: z.string().optional().describe('ID token (default: the latest one).'),
  client: z.string().min(1).optional().describe('client_id sent with the request (default: the client of the latest tokens).'),
  post_logout_redirect_uri: z.string().optional(),
  state: z.string().optional(),
  confirm: z.boolean().default(true).describe('Press "yes" on the logout confirmation page.'),
  browser: z.string().min(1).default('default'),
});

type Args = z.output<typeof args>;

export const logoutStep = defineStep<Args>({
  name: 'logout',
  summary: 'RP-initiated logout in the browser (end_session, confirmation, redirect back).',
  schema: args,
  defaultAs: 'logout',
  label: (a) => `logout${a.post_logout_redirect_uri ? ` → ${a.post_logout_redirect_uri}` : ''}`,
  async run(ctx, a) {
    const last = lastTokens(ctx);
    const url = new URL(await endpoint(ctx, 'end_session_endpoint'));
    const hint = a.id_token_hint ?? last?.id_token;
    const clientId = a.client ?? last?.client;
    if (hint) url.searchParams.set('id_token_hint', hint);
    if (clientId) url.searchParams.set('client_id', clientId);
    if (a.post_logout_redirect_uri) url.searchParams.set('post_logout_redirect_uri', a.post_logout_redirect_uri);
    if (a.state) url.searchParams.set('state', a.state);
    const browser = ctx.browser(a.browser);
    const isBack = (next: string) => a.post_logout_redirect_uri !== undefined && next.split('?')[0] === a.post_logout_redirect_uri.split('?')[0];
    const first = await browser.follow(url.toString(), {}, { stop: isBack });
    if (first.stoppedAt) return { status: first.response.status, value: { redirected_to: first.stoppedAt, confirmed: false } };
    const page = await first.response.text();
    const form = readForms(page, first.url).find((candidate) => candidate.id === 'op.logoutForm' || 'xsrf' in candidate.fields);
    if (!form) return { status: first.response.status, body: page, value: { confirmed: false, page: first.url } };
    if (!a.confirm) return { status: first.response.status, value: { confirmed: false, page: first.url } };
    const done = await browser.follow(form.action, { form: { ...form.fields, logout: 'yes' } }, { stop: isBack });
    if (done.response.status >= 400) throw new StepFailure(`the IdP refused the logout confirmation with ${done.response.status}`);
    // The page after the logout loads the clients' front-channel logout URIs, as a browser would.
    const after = done.stoppedAt ? undefined : await afterLogoutPage(browser, await done.response.text(), done.url);
    const redirected = done.stoppedAt ?? (after?.continueTo && isBack(after.continueTo) ? after.continueTo : undefined);
    ctx.recordTargetRequests();
    return {
      status: done.response.status,
      value: {
        confirmed: true,
        frontchannel: after?.frames ?? [],
        ...(redirected ? { redirected_to: redirected, state: new URL(redirected).searchParams.get('state') ?? undefined } : {}),
      },
    };
  },
});
