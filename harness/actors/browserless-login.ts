import { UserAgent, readForms, type HtmlForm } from './user-agent.ts';
import { HarnessError } from '../errors.ts';

/*
 * A person logging in, scripted: drives the IdP's interaction API (JSON) with a cookie jar, the
 * way a browser would drive the HTML pages, and reports where the IdP sent the browser back.
 */

export interface LoginOptions {
  /** The authorization request URL built by the client under test (or by openid-client). */
  authorizationUrl: string;
  /** Where the IdP sends the browser back; following stops there. */
  redirectUri: string;
  username: string;
  password?: string | undefined;
  /** Claims for this login only (the login page's JSON box): they land in this grant's ID token and userinfo. */
  claims?: Record<string, unknown> | undefined;
  /** Answer to a consent prompt (default: approve). */
  consent?: 'approve' | 'deny';
  userAgent?: UserAgent;
}

export interface LoginResult {
  /** The redirect URI with code/state/iss, or with error/error_description. */
  callbackUrl: string;
  params: URLSearchParams;
  userAgent: UserAgent;
  /** response_mode=form_post: the fields the IdP's page posts to the redirect URI (callbackUrl is then the redirect URI). */
  formPost?: Record<string, string>;
}

export class LoginError extends HarnessError {
  readonly status: number | undefined;
  readonly body: string | undefined;
  constructor(message: string, status?: number, body?: string) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

interface InteractionDescription {
  uid: string;
  prompt: 'login' | 'consent' | string;
  actions: { login: string; consent: string; abort: string };
}

const isCallback = (redirectUri: string) => (url: string) => url.split('?')[0]!.split('#')[0] === redirectUri.split('?')[0];

export async function browserlessLogin(options: LoginOptions): Promise<LoginResult> {
  const ua = options.userAgent ?? new UserAgent();
  const stop = (url: string) => isCallback(options.redirectUri)(url) || new URL(url).pathname.includes('/interaction/');
  let next = options.authorizationUrl;
  for (let round = 0; round < 6; round += 1) {
    const { response, url, stoppedAt } = await ua.follow(next, {}, { stop });
    if (!stoppedAt) {
      const body = await response.text();
      // response_mode=form_post: a page whose form, posted by script in a browser, carries the response.
      const posted =
        response.status === 200 ? readForms(body, url).find((form) => form.method === 'POST' && isCallback(options.redirectUri)(form.action)) : undefined;
      if (posted) return { callbackUrl: posted.action, params: new URLSearchParams(posted.fields), userAgent: ua, formPost: posted.fields };
      throw new LoginError(
        `the IdP answered ${response.status} at ${url} instead of redirecting back to ${options.redirectUri}: ${summarize(body)}`,
        response.status,
        body,
      );
    }
    if (isCallback(options.redirectUri)(stoppedAt)) {
      const callback = new URL(stoppedAt);
      const params = new URLSearchParams(callback.hash ? callback.hash.slice(1) : callback.search);
      return { callbackUrl: stoppedAt, params, userAgent: ua };
    }
    next = await completeInteraction(ua, stoppedAt, options);
  }
  throw new LoginError(`login did not finish after 6 interactions (last at ${next})`);
}

async function completeInteraction(
  ua: UserAgent,
  interactionUrl: string,
  options: Pick<LoginOptions, 'username' | 'password' | 'claims' | 'consent'>,
): Promise<string> {
  const interaction = promptInUrl(interactionUrl) ?? (await describe(ua, interactionUrl));
  const origin = new URL(interactionUrl).origin;
  let submitted: Response;
  if (interaction.prompt === 'login') {
    submitted = await ua.request(origin + interaction.actions.login, {
      headers: { accept: 'application/json' },
      json: {
        username: options.username,
        ...(options.password === undefined ? {} : { password: options.password }),
        ...(options.claims === undefined ? {} : { claims: options.claims }),
      },
    });
  } else if (interaction.prompt === 'consent') {
    submitted = await ua.request(origin + (options.consent === 'deny' ? interaction.actions.abort : interaction.actions.consent), {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
  } else {
    throw new LoginError(`unexpected prompt "${interaction.prompt}" at ${interactionUrl}`);
  }
  const location = submitted.headers.get('location');
  if (submitted.status !== 303 || !location) {
    const body = await submitted.text();
    throw new LoginError(`${interaction.prompt} as "${options.username}" failed with ${submitted.status}: ${summarize(body)}`, submitted.status, body);
  }
  await submitted.arrayBuffer();
  return new URL(location, interactionUrl).toString();
}

/** The interaction as its URL names it (`?prompt=login`, the mock IdP's own), without asking the IdP. */
function promptInUrl(interactionUrl: string): InteractionDescription | undefined {
  const url = new URL(interactionUrl);
  const prompt = url.searchParams.get('prompt');
  const uid = /\/interaction\/([^/]+)$/.exec(url.pathname)?.[1];
  if ((prompt !== 'login' && prompt !== 'consent') || !uid) return undefined;
  return { uid, prompt, actions: { login: `${url.pathname}/login`, consent: `${url.pathname}/consent`, abort: `${url.pathname}/abort` } };
}

async function describe(ua: UserAgent, interactionUrl: string): Promise<InteractionDescription> {
  const described = await ua.request(interactionUrl, { headers: { accept: 'application/json' } });
  const text = await described.text();
  if (!described.ok) throw new LoginError(`the interaction at ${interactionUrl} answered ${described.status}: ${summarize(text)}`, described.status, text);
  return JSON.parse(text) as InteractionDescription;
}

export interface DeviceApprovalOptions {
  /** verification_uri_complete, or verification_uri together with userCode. */
  verificationUri: string;
  userCode?: string;
  username: string;
  password?: string;
  decision?: 'approve' | 'deny';
  userAgent?: UserAgent;
}

/** A person entering a device's user code on the verification page, then approving or denying. */
export async function approveDevice(options: DeviceApprovalOptions): Promise<{ page: string; userAgent: UserAgent }> {
  const ua = options.userAgent ?? new UserAgent();
  const isInteraction = (url: string) => new URL(url).pathname.includes('/interaction/');
  let { response, url, stoppedAt } = await ua.follow(options.verificationUri, {}, { stop: isInteraction });
  let codeSubmitted = false;
  for (let step = 0; step < 8; step += 1) {
    if (stoppedAt) {
      const resume = await completeInteraction(ua, stoppedAt, { username: options.username, password: options.password });
      ({ response, url, stoppedAt } = await ua.follow(resume, {}, { stop: isInteraction }));
      continue;
    }
    const page = await response.text();
    if (!response.ok) throw new LoginError(`device verification answered ${response.status} at ${url}: ${summarize(page)}`, response.status, page);
    const form = readForms(page, url).find((candidate) => candidate.method === 'POST');
    if (!form) return { page, userAgent: ua };
    const asksForCode = 'user_code' in form.fields && !form.fields['user_code'];
    if (asksForCode && codeSubmitted) {
      // Back at the code entry page after a code went in: the IdP refused it (or the user aborted).
      if (options.decision === 'deny') return { page, userAgent: ua };
      throw new LoginError(`the verification page refused the user code: ${summarize(page)}`, response.status, page);
    }
    const fields = fillDeviceForm(form, options);
    codeSubmitted ||= 'user_code' in fields;
    ({ response, url, stoppedAt } = await ua.follow(form.action, { form: fields }, { stop: isInteraction }));
  }
  throw new LoginError('device verification did not finish after 8 pages');
}

function fillDeviceForm(form: HtmlForm, options: DeviceApprovalOptions): Record<string, string> {
  const fields = { ...form.fields };
  if ('user_code' in fields && !fields['user_code']) {
    if (!options.userCode) throw new LoginError('the verification page asks for a user code: pass userCode');
    fields['user_code'] = options.userCode;
  }
  if (form.id === 'op.deviceConfirmForm' && options.decision === 'deny') fields['abort'] = 'yes';
  return fields;
}

function summarize(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: string; error_description?: string };
    if (json.error) return `${json.error}${json.error_description ? `: ${json.error_description}` : ''}`;
  } catch {
    // not JSON: fall through to the text summary
  }
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
