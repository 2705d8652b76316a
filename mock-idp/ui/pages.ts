import { html, raw, type Html } from '../../common/html.ts';
import { page } from './layout.ts';

export interface PageTenant {
  name: string;
  displayName: string;
  /** The look of the provider a profile emulates (its name, colour, directory or realm). */
  brand?: PageBrand | undefined;
}

interface PageBrand {
  product: string;
  accent: string;
  detail?: string | undefined;
  /** Heading of the user picker ("Pick an account" for Microsoft). */
  pickerTitle?: string | undefined;
}

export interface PickerUser {
  username: string;
  name?: string | undefined;
  email?: string | undefined;
  disabled: boolean;
}

/** The quick picker shows this many users; the others are signed in by typing their name. */
const PICKER_USERS = 50;

const alert = (message: string | undefined): Html | string => (message ? html`<div class="alert" role="alert">${message}</div>` : '');

export function loginPage(args: {
  tenant: PageTenant;
  action: string;
  abortAction: string;
  clientName: string;
  users: PickerUser[];
  error?: string;
  username?: string;
  claims?: string;
}): string {
  const { tenant, action, clientName, users } = args;
  // The picker's buttons submit the login form too, so the claims typed above go with a click on a user.
  const picker = users
    .slice(0, PICKER_USERS)
    .map(
      (user) =>
        html`<li><button type="submit" form="login-form" name="pick" value="${user.username}" formnovalidate ${user.disabled ? raw('disabled aria-disabled="true"') : ''}>${user.name ?? user.username}<small>${user.username}${user.email ? ` · ${user.email}` : ''}${user.disabled ? ' · disabled' : ''}</small></button></li>`,
    );
  return page(
    'Sign in',
    tenant,
    html`<h1>Sign in to ${tenant.displayName}</h1>
<p class="sub">to continue to <strong>${clientName}</strong></p>
${alert(args.error)}
<form method="post" action="${action}" id="login-form">
<label for="username">User name</label>
<input id="username" name="username" type="text" autocomplete="username" required autofocus value="${args.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<label for="claims">Extra claims for this login <small>(JSON object, optional)</small></label>
<textarea id="claims" name="claims" rows="3" spellcheck="false" aria-describedby="claims-help" placeholder='{"department": "research"}'>${args.claims ?? ''}</textarea>
<p id="claims-help" class="help">They go into the ID token and userinfo of this login only.</p>
<button class="primary" type="submit">Sign in</button>
</form>
${users.length > 0 ? html`<hr><h2 style="font-size:1rem;margin:0 0 .5rem">${tenant.brand?.pickerTitle ?? 'Test users'}</h2><ul class="users" aria-label="Test users">${picker}</ul>${users.length > PICKER_USERS ? html`<p class="sub">and ${users.length - PICKER_USERS} more: type the user name above</p>` : ''}` : ''}
<form method="post" action="${args.abortAction}"><div class="row"><button type="submit">Cancel</button></div></form>`,
  );
}

export function consentPage(args: {
  tenant: PageTenant;
  action: string;
  abortAction: string;
  clientName: string;
  username: string;
  scopes: string[];
  error?: string;
}): string {
  return page(
    'Authorize',
    args.tenant,
    html`<h1>Authorize ${args.clientName}</h1>
<p class="sub">signed in as <strong>${args.username}</strong></p>
${alert(args.error)}
<p>${args.clientName} asks for:</p>
<ul class="scopes">${args.scopes.map((scope) => html`<li><code>${scope}</code></li>`)}</ul>
<div class="row">
<form method="post" action="${args.action}" style="flex:1"><button type="submit" class="primary" style="margin:0">Allow</button></form>
<form method="post" action="${args.abortAction}" style="flex:1"><button type="submit" style="width:100%">Deny</button></form>
</div>`,
  );
}

/** oidc-provider hands us its form (with the xsrf field); we add the inputs and buttons around it. */
export function deviceInputPage(args: { tenant: PageTenant; form: string; error?: string }): string {
  return page(
    'Device sign-in',
    args.tenant,
    html`<h1>Connect a device</h1>
<p class="sub">Enter the code shown on your device.</p>
${alert(args.error)}
${raw(args.form)}
<label for="user-code">Code</label>
<input id="user-code" name="user_code" form="op.deviceInputForm" type="text" autocomplete="off" autocapitalize="characters" required autofocus>
<button class="primary" type="submit" form="op.deviceInputForm">Continue</button>`,
  );
}

export function deviceConfirmPage(args: { tenant: PageTenant; form: string; clientName: string; userCode: string }): string {
  return page(
    'Confirm device',
    args.tenant,
    html`<h1>Confirm device</h1>
<p class="sub"><strong>${args.clientName}</strong> wants to sign in. Check that your device shows this code:</p>
<p><code class="user-code">${args.userCode}</code></p>
${raw(args.form)}
<div class="row">
<button type="submit" form="op.deviceConfirmForm" class="primary" style="margin:0">Allow</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Deny</button>
</div>`,
  );
}

export function deviceSuccessPage(args: { tenant: PageTenant; clientName: string }): string {
  return page('Device connected', args.tenant, html`<h1>Device connected</h1><p>${args.clientName} is signed in. You can close this page.</p>`);
}

export function logoutPage(args: { tenant: PageTenant; form: string }): string {
  return page(
    'Sign out',
    args.tenant,
    html`<h1>Sign out of ${args.tenant.displayName}?</h1>
${raw(args.form)}
<div class="row">
<button type="submit" form="op.logoutForm">Stay signed in</button>
<button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary" style="margin:0" autofocus>Sign out</button>
</div>`,
  );
}

export function logoutSuccessPage(args: { tenant: PageTenant; clientName?: string | undefined }): string {
  return page('Signed out', args.tenant, html`<h1>Signed out</h1><p>You have signed out${args.clientName ? html` of ${args.clientName}` : ''}.</p>`);
}

export function errorPage(args: { tenant: PageTenant; error: string; description?: string | undefined }): string {
  return page(
    'Error',
    args.tenant,
    html`<h1>Something went wrong</h1>
<div class="alert" role="alert"><strong>${args.error}</strong>${args.description ? html`: ${args.description}` : ''}</div>
<p class="sub">The request was not sent back to the application because it could not be trusted or could not be completed.</p>`,
  );
}
