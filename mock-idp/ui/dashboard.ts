import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { FAULT_CATALOGUE } from '../faults/catalogue.ts';
import { FAVICON_LINK } from './favicon.ts';

/*
 * The dashboard at /_ui: tenants and their issuers, users, clients, keys, clock and fault rules
 * (any fault of the catalogue in one click), and a live journal with decoded tokens and the rules
 * that changed each response. It is one self-contained page (no external assets) that does
 * everything through the admin API, so it can do nothing the API cannot, and it asks for the admin
 * token when the API wants one.
 */

const style = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#f6f8fa;--card:#fff;--line:#d0d7de;--accent:#0b57d0;--accent-fg:#fff;--ok:#1a7f37;--bad:#b42318;--warn:#9a6700}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0d1117;--card:#161b22;--line:#30363d;--accent:#4c8dff;--accent-fg:#0d1117;--ok:#3fb950;--bad:#ff7b72;--warn:#d29922}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;gap:1rem;align-items:center;padding:.75rem 1.25rem;border-bottom:1px solid var(--line);background:var(--card)}
header h1{font-size:1.1rem;margin:0}header .grow{flex:1}
main{display:grid;grid-template-columns:minmax(320px,420px) 1fr;gap:1rem;padding:1rem 1.25rem}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.75rem 1rem;margin-bottom:1rem;overflow-x:auto}
#faults td{word-break:break-word}#fault-choice{min-width:0;flex:1 1 14rem}
h2{font-size:1rem;margin:.1rem 0 .6rem}table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:.8rem}code{font-size:.85em;word-break:break-all}
button,select,input{font:inherit;padding:.3rem .6rem;border-radius:6px;border:1px solid var(--line);background:var(--card);color:var(--fg)}
button{cursor:pointer;white-space:nowrap}button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}
button:focus-visible,select:focus-visible,input:focus-visible,tr:focus-visible{outline:3px solid var(--accent);outline-offset:1px}
.row{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center}.muted{color:var(--muted)}
.s2{color:var(--ok);font-weight:600}.s3{color:var(--warn);font-weight:600}.s4,.s5{color:var(--bad);font-weight:600}
#journal tbody tr{cursor:pointer}#journal tbody tr:hover{background:var(--bg)}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.5rem;overflow:auto;max-height:28rem;font-size:.8rem}
.badge{display:inline-block;padding:0 .4rem;border-radius:999px;border:1px solid var(--line);font-size:.75rem}
#error{color:var(--bad)}[hidden]{display:none!important}
`;

const script = `
const state = { token: sessionStorage.getItem('mockidp-admin-token') || '', tenant: null, since: 0, rows: [] };
const $ = (selector) => document.querySelector(selector);
const text = (value) => document.createTextNode(value == null ? '' : String(value));
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : text(child));
  return node;
}
async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (state.token) headers.authorization = 'Bearer ' + state.token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch('/_admin' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) { $('#auth').hidden = false; throw new Error('the admin API needs a token'); }
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error((data && data.error_description) || response.statusText);
  return data;
}
function report(error) { $('#error').textContent = error ? error.message : ''; }
async function act(fn) { try { report(null); await fn(); await loadTenant(); } catch (error) { report(error); } }

async function loadTenants() {
  const tenants = await api('GET', '/tenants');
  const select = $('#tenant');
  select.replaceChildren(...tenants.map((t) => el('option', { value: t.name }, t.name)));
  if (!state.tenant || !tenants.some((t) => t.name === state.tenant)) state.tenant = tenants[0] && tenants[0].name;
  select.value = state.tenant;
  await loadTenant();
}

async function loadTenant() {
  if (!state.tenant) return;
  const t = encodeURIComponent(state.tenant);
  const [details, users, clients] = await Promise.all([api('GET', '/tenants/' + t), api('GET', '/tenants/' + t + '/users'), api('GET', '/tenants/' + t + '/clients')]);
  $('#issuer').replaceChildren(el('code', {}, details.issuer), ' ', el('a', { href: details.discovery }, 'discovery'));
  $('#users tbody').replaceChildren(...users.map((u) => el('tr', {},
    el('td', {}, el('strong', {}, u.username), el('div', { class: 'muted' }, u.email || '')),
    el('td', {}, (u.groups || []).join(', ')),
    el('td', {}, u.disabled ? el('span', { class: 'badge s4' }, 'disabled') : el('span', { class: 'badge s2' }, 'active')),
    el('td', {}, el('button', { type: 'button', 'aria-label': (u.disabled ? 'Enable ' : 'Disable ') + u.username,
      onclick: () => act(() => api('PATCH', '/tenants/' + t + '/users/' + encodeURIComponent(u.username), { disabled: !u.disabled })) }, u.disabled ? 'Enable' : 'Disable')))));
  $('#clients tbody').replaceChildren(...clients.map((c) => el('tr', {},
    el('td', {}, el('strong', {}, c.clientId)), el('td', {}, (c.grants || []).join(', ')), el('td', {}, c.audience || el('span', { class: 'muted' }, 'opaque')))));
  $('#keys tbody').replaceChildren(...details.keys.map((k) => el('tr', {},
    el('td', {}, el('code', {}, k.kid.slice(0, 16) + (k.kid.length > 16 ? '…' : ''))), el('td', {}, k.alg),
    el('td', {}, k.status + (k.retiresAt ? ' until ' + new Date(k.retiresAt).toLocaleTimeString() : '')),
    el('td', {}, el('button', { type: 'button', 'aria-label': 'Revoke key ' + k.kid, onclick: () => act(() => api('DELETE', '/tenants/' + t + '/keys/' + encodeURIComponent(k.kid))) }, 'Revoke')))));
  const algs = [...new Set(details.keys.filter((k) => k.status === 'active').map((k) => k.alg))];
  $('#rotate').replaceChildren(...algs.map((alg) => el('button', { type: 'button', onclick: () => act(() => api('POST', '/tenants/' + t + '/keys/rotate', { alg })) }, 'Rotate ' + alg)));
  const faults = await api('GET', '/tenants/' + t + '/faults');
  $('#faults tbody').replaceChildren(...faults.map((f) => el('tr', {},
    el('td', {}, el('code', {}, f.id), f.note ? el('div', { class: 'muted' }, f.note) : ''),
    el('td', {}, [].concat(f.match.endpoint || ['any']).join(', ')),
    el('td', {}, describe(f.action)),
    el('td', {}, String(f.fired)),
    el('td', {}, el('button', { type: 'button', 'aria-label': 'Remove fault ' + f.id, onclick: () => act(() => api('DELETE', '/tenants/' + t + '/faults/' + encodeURIComponent(f.id))) }, 'Remove')))));
  if (faults.length === 0) $('#faults tbody').replaceChildren(el('tr', {}, el('td', { colspan: '5', class: 'muted' }, 'No fault rule: the tenant behaves.')));
  const clock = details.clock;
  $('#clock-now').textContent = new Date(clock.now).toISOString() + (clock.frozenAt ? ' (frozen)' : '') + (clock.offsetSeconds ? ' offset ' + clock.offsetSeconds + ' s' : '');
  $('#freeze').textContent = clock.frozenAt ? 'Unfreeze' : 'Freeze';
  $('#freeze').onclick = () => act(() => api('PUT', '/tenants/' + t + '/clock', clock.frozenAt ? { frozenAt: null } : { freeze: true }));
}

function describe(action) {
  return Object.entries(action).filter(([, v]) => v !== undefined && v !== false).map(([k, v]) => typeof v === 'object' ? k + ' ' + JSON.stringify(v) : v === true ? k : k + ' ' + v).join(', ');
}
const catalogue = JSON.parse(document.getElementById('fault-catalogue').textContent);
$('#fault-choice').replaceChildren(...catalogue.map((entry, index) => el('option', { value: String(index) }, entry.family + ': ' + entry.what)));
$('#fault-add').addEventListener('click', () => {
  const entry = catalogue[Number($('#fault-choice').value)];
  act(() => api('POST', '/tenants/' + encodeURIComponent(state.tenant) + '/faults', { ...entry.rule, note: entry.what }));
});
$('#faults-clear').addEventListener('click', () => act(() => api('DELETE', '/tenants/' + encodeURIComponent(state.tenant) + '/faults')));

function decodedTokens(entry) {
  return (entry.tokens || []).map((token) => el('div', {}, el('h3', { style: 'font-size:.85rem;margin:.5rem 0 .2rem' }, token.field),
    el('pre', {}, JSON.stringify({ header: token.header, payload: token.payload }, null, 2))));
}
function showEntry(entry) {
  $('#entry').hidden = false;
  $('#entry-title').textContent = entry.method + ' ' + entry.path + ' → ' + entry.status;
  $('#entry-body').replaceChildren(el('pre', {}, JSON.stringify({ ...entry, tokens: undefined }, null, 2)), ...decodedTokens(entry));
}
async function pollJournal() {
  try {
    const query = new URLSearchParams({ since: String(state.since) });
    if (state.since === 0) query.set('limit', '300');
    if ($('#only-tenant').checked && state.tenant) query.set('tenant', state.tenant);
    const entries = await api('GET', '/journal?' + query);
    for (const entry of entries) {
      state.since = Math.max(state.since, entry.seq);
      const row = el('tr', { tabindex: '0', 'data-seq': entry.seq, onclick: () => showEntry(entry), onkeydown: (event) => { if (event.key === 'Enter') showEntry(entry); } },
        el('td', {}, new Date(entry.at).toLocaleTimeString()), el('td', {}, entry.tenant), el('td', {}, entry.endpoint),
        el('td', { class: 's' + String(entry.status)[0] }, entry.status), el('td', {}, entry.clientId || ''), el('td', {}, entry.user || ''),
        el('td', {}, entry.error || ''), el('td', {}, (entry.faults || []).map((f) => (f.note ? f.note + ': ' : '') + f.action).join('; ')), el('td', {}, entry.tokens ? entry.tokens.map((t) => t.field).join(', ') : ''));
      $('#journal tbody').prepend(row);
    }
    while ($('#journal tbody').children.length > 300) $('#journal tbody').lastElementChild.remove();
    $('#live').textContent = 'live';
  } catch (error) {
    $('#live').textContent = 'paused: ' + error.message;
  }
}

$('#tenant').addEventListener('change', (event) => { state.tenant = event.target.value; act(async () => undefined); });
$('#auth').addEventListener('submit', (event) => {
  event.preventDefault();
  state.token = $('#token').value;
  sessionStorage.setItem('mockidp-admin-token', state.token);
  $('#auth').hidden = true;
  act(loadTenants);
});
for (const button of document.querySelectorAll('[data-advance]')) {
  button.addEventListener('click', () => act(() => api('POST', '/tenants/' + encodeURIComponent(state.tenant) + '/clock/advance', { seconds: Number(button.dataset.advance) })));
}
$('#clock-reset').addEventListener('click', () => act(() => api('PUT', '/tenants/' + encodeURIComponent(state.tenant) + '/clock', { offsetSeconds: 0, frozenAt: null })));
$('#entry-close').addEventListener('click', () => { $('#entry').hidden = true; });
act(loadTenants);
pollJournal();
setInterval(pollJournal, 1000);
`;

function dashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>mockidp dashboard</title>
${FAVICON_LINK}
<style>${style}</style>
</head>
<body>
<header>
  <h1>mockidp</h1>
  <label for="tenant">Tenant</label> <select id="tenant"></select>
  <span id="issuer" class="muted"></span>
  <span class="grow"></span>
  <span id="error" role="alert"></span>
</header>
<form id="auth" hidden class="row" style="padding:1rem 1.25rem">
  <label for="token">Admin token</label> <input id="token" type="password" autocomplete="off" required>
  <button class="primary" type="submit">Use token</button>
</form>
<main>
  <div>
    <section aria-labelledby="users-title"><h2 id="users-title">Users</h2>
      <table id="users"><thead><tr><th>User</th><th>Groups</th><th>State</th><th><span class="muted">Action</span></th></tr></thead><tbody></tbody></table></section>
    <section aria-labelledby="clients-title"><h2 id="clients-title">Clients</h2>
      <table id="clients"><thead><tr><th>Client</th><th>Grants</th><th>Access tokens</th></tr></thead><tbody></tbody></table></section>
    <section aria-labelledby="keys-title"><h2 id="keys-title">Signing keys</h2>
      <table id="keys"><thead><tr><th>kid</th><th>alg</th><th>Status</th><th><span class="muted">Action</span></th></tr></thead><tbody></tbody></table>
      <div class="row" id="rotate" style="margin-top:.5rem"></div></section>
    <section aria-labelledby="faults-title"><h2 id="faults-title">Faults</h2>
      <div class="row"><label for="fault-choice">Make the IdP misbehave</label> <select id="fault-choice" style="max-width:100%"></select>
        <button type="button" class="primary" id="fault-add">Add fault</button><button type="button" id="faults-clear">Clear all</button></div>
      <table id="faults" style="margin-top:.5rem"><thead><tr><th>Rule</th><th>Endpoint</th><th>Action</th><th>Fired</th><th><span class="muted">Action</span></th></tr></thead><tbody></tbody></table></section>
    <section aria-labelledby="clock-title"><h2 id="clock-title">Clock</h2>
      <p id="clock-now" aria-live="polite"></p>
      <div class="row">
        <button type="button" data-advance="-3600">−1 h</button><button type="button" data-advance="-300">−5 min</button>
        <button type="button" data-advance="300">+5 min</button><button type="button" data-advance="3600">+1 h</button>
        <button type="button" id="freeze">Freeze</button><button type="button" id="clock-reset">Real time</button>
      </div></section>
  </div>
  <div>
    <section aria-labelledby="journal-title">
      <div class="row"><h2 id="journal-title" style="margin:0">Journal</h2><span id="live" class="badge" aria-live="polite">connecting</span>
        <span class="grow"></span><label><input type="checkbox" id="only-tenant"> only this tenant</label></div>
      <table id="journal"><thead><tr><th>Time</th><th>Tenant</th><th>Endpoint</th><th>Status</th><th>Client</th><th>User</th><th>Error</th><th>Faults</th><th>Tokens</th></tr></thead><tbody></tbody></table>
    </section>
    <section id="entry" hidden aria-labelledby="entry-title"><div class="row"><h2 id="entry-title" style="margin:0"></h2><span class="grow"></span><button type="button" id="entry-close">Close</button></div>
      <div id="entry-body"></div></section>
  </div>
</main>
<script type="application/json" id="fault-catalogue">${JSON.stringify(FAULT_CATALOGUE.map(({ family, what, rule }) => ({ family, what, rule }))).replace(/</g, '\\u003c')}</script>
<script>${script}</script>
</body>
</html>`;
}

/** The CSP source of the page's one script: only that script runs (no other inline script, no injected one). */
const scriptSource = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

export function dashboard(): Middleware {
  const page = dashboardPage();
  return async function dashboardRoute(ctx, next) {
    if (ctx.path !== '/_ui' && ctx.path !== '/_ui/') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      return;
    }
    ctx.type = 'html';
    ctx.set(
      'Content-Security-Policy',
      `default-src 'none'; script-src ${scriptSource}; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    );
    ctx.set('Cache-Control', 'no-store');
    ctx.body = page;
  };
}
