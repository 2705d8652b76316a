import { describe, expect, it } from 'vitest';
import { startTestIdp } from '../support/idp.ts';
import { UserAgent, readForms } from '../../harness/actors/user-agent.ts';

const idp = await startTestIdp();
const issuer = idp.issuer();
const REDIRECT = 'http://127.0.0.1:8080/callback';
const authorize = `${issuer}/auth?client_id=demo&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=page`;

async function openLoginPage() {
  const ua = new UserAgent();
  const start = await ua.follow(authorize, {}, { stop: (url) => url.startsWith(REDIRECT) });
  const html = await start.response.text();
  return { ua, html, url: start.url, forms: readForms(html, start.url) };
}

describe('HTML login page', () => {
  it('shows a labelled user name and password form, the test users, and no external assets', async () => {
    const { html, forms } = await openLoginPage();
    expect(html).toContain('<label for="username">User name</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('<label for="claims">Extra claims for this login');
    const form = forms.find((candidate) => candidate.id === 'login-form')!;
    expect(form.buttons.filter((button) => button.name === 'pick').map((button) => button.value)).toEqual(['alice', 'bob']);
  });

  it('signs a person in with the password form and sends them back with a code', async () => {
    const { ua, forms } = await openLoginPage();
    const form = forms.find((candidate) => candidate.id === 'login-form')!;
    const done = await ua.follow(form.action, { form: { username: 'alice', password: 'alice' } }, { stop: (url) => url.startsWith(REDIRECT) });
    expect(new URL(done.stoppedAt!).searchParams.get('code')).toBeTruthy();
  });

  it('signs a person in with one click on a test user', async () => {
    const { ua, forms } = await openLoginPage();
    const form = forms.find((candidate) => candidate.id === 'login-form')!;
    const done = await ua.follow(form.action, { form: { ...form.fields, pick: 'bob' } }, { stop: (url) => url.startsWith(REDIRECT) });
    expect(new URL(done.stoppedAt!).searchParams.get('state')).toBe('page');
  });

  it('shows the form again with an alert when the password is wrong', async () => {
    const { ua, forms } = await openLoginPage();
    const form = forms.find((candidate) => candidate.id === 'login-form')!;
    const response = await ua.request(form.action, { form: { username: 'alice', password: 'wrong' } });
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('Wrong password.');
    expect(html).toContain('value="alice"');
  });

  it('escapes user-controlled text on the page', async () => {
    const { ua, forms } = await openLoginPage();
    const form = forms.find((candidate) => candidate.id === 'login-form')!;
    const response = await ua.request(form.action, { form: { username: '<script>alert(1)</script>' } });
    const html = await response.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
