import { escapeHtml } from '../../common/html.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor, TraceEvent, TraceExchange } from '../runner/trace.ts';
import { formatMs } from '../scenario/duration.ts';
import { failureText } from './failure-text.ts';
import { skipBreakdown, type ScenarioResult, type SuiteResult } from './result.ts';
import type { ReporterKind } from './reporter.ts';

/*
 * One self-contained HTML file (no external scripts, fonts or styles): a summary, then every
 * scenario, failures first, each with its steps and a sequence diagram of the calls between the
 * browser, the runner, the target and the IdP. Clicking an arrow shows the request, the response
 * and the decoded tokens (header and claims; signatures are never kept). Works without JavaScript
 * except for the details panel and the filters.
 */

const ACTOR_LABEL: Record<Actor, string> = { browser: 'Browser (user agent)', runner: 'Runner', target: 'Target', idp: 'IdP' };
const ORDER: Actor[] = ['browser', 'runner', 'target', 'idp'];
const COLUMN = 190;
const ROW = 24;
const TOP = 44;

interface Row {
  kind: 'arrow' | 'return' | 'note' | 'step';
  from?: Actor;
  to?: Actor;
  text: string;
  status?: number;
  error?: boolean;
  event?: number;
  step?: number;
  failed?: boolean;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url, 'http://x');
    const text = `${parsed.pathname}${parsed.search}`;
    return text.length > 48 ? `${text.slice(0, 47)}…` : text;
  } catch {
    return url.slice(0, 48);
  }
}

function rowsOf(result: ScenarioResult, details: unknown[]): Row[] {
  const rows: Row[] = [];
  let step = -1;
  const failedStep = result.failure?.step?.index;
  const addExchange = (event: TraceExchange) => {
    const index = details.push(event) - 1;
    rows.push({ kind: 'arrow', from: event.from, to: event.to, text: `${event.method} ${pathOf(event.url)}`, event: index });
    for (const nested of event.nested ?? []) addExchange(nested);
    const status = event.error ? `✗ ${event.error.slice(0, 40)}` : `${event.status ?? ''}${event.label ? ` ${event.label}` : ''}`;
    rows.push({
      kind: 'return',
      from: event.to,
      to: event.from,
      text: status.length > 50 ? `${status.slice(0, 49)}…` : status,
      ...(event.status !== undefined ? { status: event.status } : {}),
      error: Boolean(event.error) || (event.status ?? 0) >= 400,
      event: index,
    });
  };
  for (const event of result.trace as TraceEvent[]) {
    if (event.step !== step) {
      step = event.step;
      const label = result.steps[step]?.label ?? `step ${step + 1}`;
      rows.push({ kind: 'step', text: `${step + 1}. ${label}`, step, failed: step === failedStep });
    }
    if (event.type === 'note') rows.push({ kind: 'note', from: event.actor, text: event.text.length > 70 ? `${event.text.slice(0, 69)}…` : event.text });
    else addExchange(event);
  }
  if (failedStep !== undefined && failedStep > step)
    rows.push({ kind: 'step', text: `${failedStep + 1}. ${result.steps[failedStep]?.label ?? ''}`, step: failedStep, failed: true });
  return rows;
}

function diagram(result: ScenarioResult, scenarioIndex: number, details: unknown[]): string {
  const rows = rowsOf(result, details);
  if (rows.length === 0) return '<p class="muted">No HTTP exchange was recorded.</p>';
  const used = new Set<Actor>();
  for (const row of rows) {
    if (row.from) used.add(row.from);
    if (row.to) used.add(row.to);
  }
  const actors = ORDER.filter((actor) => used.has(actor));
  const x = (actor: Actor) => 90 + actors.indexOf(actor) * COLUMN;
  const width = 90 + (actors.length - 1) * COLUMN + 110;
  const height = TOP + rows.length * ROW + 16;
  const parts: string[] = [];
  for (const actor of actors) {
    parts.push(
      `<rect x="${x(actor) - 70}" y="4" width="140" height="26" rx="4" class="actor"/><text x="${x(actor)}" y="21" class="actor-label">${escapeHtml(ACTOR_LABEL[actor])}</text>`,
    );
    parts.push(`<line x1="${x(actor)}" y1="30" x2="${x(actor)}" y2="${height - 6}" class="lifeline"/>`);
  }
  rows.forEach((row, index) => {
    const y = TOP + index * ROW + 12;
    if (row.kind === 'step') {
      parts.push(
        `<rect x="2" y="${y - 14}" width="${width - 4}" height="${ROW - 4}" class="step${row.failed ? ' failed' : ''}"/><text x="8" y="${y}" class="step-label">${escapeHtml(row.text)}</text>`,
      );
      return;
    }
    if (row.kind === 'note') {
      const cx = x(row.from!);
      parts.push(
        `<rect x="${cx - 86}" y="${y - 14}" width="172" height="${ROW - 6}" class="note"/><text x="${cx}" y="${y}" class="note-label">${escapeHtml(row.text)}</text>`,
      );
      return;
    }
    const x1 = x(row.from!);
    const x2 = x(row.to!);
    const self = x1 === x2;
    const cls = `msg ${row.kind}${row.error ? ' error' : ''}`;
    const mid = self ? x1 + 40 : (x1 + x2) / 2;
    const path = self ? `M${x1},${y - 4} h30 v8 h-30` : `M${x1},${y} L${x2},${y}`;
    parts.push(
      `<g class="${cls}" data-event="${scenarioIndex}:${row.event}" tabindex="0"><path d="${path}" marker-end="url(#arrow)"/><rect x="${Math.min(x1, x2)}" y="${y - 16}" width="${Math.max(Math.abs(x2 - x1), 60)}" height="${ROW - 4}" class="hit"/><text x="${mid}" y="${y - 4}">${escapeHtml(row.text)}</text></g>`,
    );
  });
  return `<svg class="sequence" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="sequence diagram of ${escapeHtml(result.name)}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>${parts.join('')}</svg>`;
}

function scenarioSection(result: ScenarioResult, index: number, details: unknown[][]): string {
  const own: unknown[] = [];
  details.push(own);
  const status = result.status;
  const failure = result.failure ? `<pre class="failure">${escapeHtml(failureText(result))}</pre>` : '';
  const skipped = result.skipReason ? `<p class="muted">Skipped: ${escapeHtml(result.skipReason)}</p>` : '';
  const steps = result.steps.length
    ? `<ol class="steps">${result.steps.map((step) => `<li class="${step.status === 'failed' ? 'failed' : step.status === 'not run' ? 'not-run' : 'passed'}">${escapeHtml(step.label)} <span class="muted">${step.status === 'not run' ? 'not run' : formatMs(step.ms)}${step.line ? ` · line ${step.line}` : ''}</span></li>`).join('')}</ol>`
    : '';
  const tags = result.tags.map((tag) => `<span class="tag">${escapeHtml(tag)}</span>`).join(' ');
  const search = `${result.name} ${result.id} ${result.tags.join(' ')} ${result.target ?? ''}`.toLowerCase();
  return `<details class="scenario ${status}" data-status="${status}" data-search="${escapeHtml(search)}"${status === 'failed' ? ' open' : ''}>
<summary><span class="badge ${status}">${status}</span> ${escapeHtml(result.name)} <span class="muted">${formatMs(result.ms)}</span></summary>
<div class="body">
<p class="meta"><code>${escapeHtml(result.file)}:${result.line}</code>${result.target ? ` · target <b>${escapeHtml(result.target)}</b>${result.targetDescription ? ` (${escapeHtml(result.targetDescription)})` : ''}` : ' · IdP only'} ${tags}</p>
${failure}${skipped}${steps}
${result.trace.length ? `<div class="diagram">${diagram(result, index, own)}</div>` : ''}
</div>
</details>`;
}

const STYLE = `
:root{--fg:#1d2330;--muted:#6b7280;--bg:#fff;--line:#d6dae1;--red:#b42318;--green:#067647;--yellow:#b54708;--blue:#1e4fd8}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:#f6f7f9;margin:0}
header{background:var(--bg);border-bottom:1px solid var(--line);padding:16px 24px;position:sticky;top:0;z-index:2}
h1{font-size:18px;margin:0 0 6px}main{padding:16px 24px;margin-right:440px}.muted{color:var(--muted)}
.summary span{margin-right:14px}.controls{margin-top:8px}.controls button{border:1px solid var(--line);background:#fff;border-radius:4px;padding:3px 10px;cursor:pointer}
.controls button[aria-pressed=true]{background:var(--fg);color:#fff}.controls input{margin-left:8px;padding:3px 8px;border:1px solid var(--line);border-radius:4px;width:260px}
details.scenario{background:var(--bg);border:1px solid var(--line);border-radius:6px;margin:0 0 10px}details.scenario>summary{padding:8px 12px;cursor:pointer}
details.failed{border-left:4px solid var(--red)}details.passed{border-left:4px solid var(--green)}details.skipped{border-left:4px solid var(--yellow)}
.body{padding:0 12px 12px}.badge{display:inline-block;min-width:58px;text-align:center;border-radius:3px;color:#fff;font-size:12px;padding:1px 6px;margin-right:6px}
.badge.failed{background:var(--red)}.badge.passed{background:var(--green)}.badge.skipped{background:var(--yellow)}
.tag{background:#eef1f6;border-radius:3px;padding:0 6px;font-size:12px}pre.failure{background:#fff4f2;border:1px solid #f5c2bb;padding:10px;white-space:pre-wrap;overflow:auto}
ol.steps li.failed{color:var(--red);font-weight:600}ol.steps li.not-run{color:var(--muted)}
.diagram{overflow-x:auto;border-top:1px solid var(--line);padding-top:8px}svg.sequence text{font:12px system-ui,sans-serif;text-anchor:middle;fill:var(--fg)}
svg .actor{fill:#eef1f6;stroke:#9aa3b2}svg .actor-label{font-weight:600}svg .lifeline{stroke:#c3c9d3;stroke-dasharray:4 4}
svg .msg path{stroke:var(--blue);fill:none;stroke-width:1.4}svg .msg.return path{stroke-dasharray:5 3;stroke:#5b6474}svg .msg.error path{stroke:var(--red)}svg .msg.error text{fill:var(--red)}
svg .msg .hit{fill:transparent;cursor:pointer}svg .msg:hover path,svg .msg:focus path{stroke-width:3}svg .msg.selected path{stroke-width:3;stroke:#000}
svg marker path{fill:#5b6474}svg .step{fill:#f1f4f9}svg .step.failed{fill:#fde8e6}svg.sequence text.step-label{text-anchor:start;font-weight:600}svg .note{fill:#fff8db;stroke:#e7d48a}svg .note-label{font-size:11px}
aside{position:fixed;right:0;top:0;bottom:0;width:430px;background:var(--bg);border-left:1px solid var(--line);overflow:auto;padding:16px;z-index:3}
aside h2{font-size:15px;margin:0 0 8px}aside pre{background:#f6f7f9;padding:8px;white-space:pre-wrap;word-break:break-all;font-size:12px}
aside table{border-collapse:collapse;width:100%;font-size:12px}aside td{border-top:1px solid var(--line);padding:2px 4px;vertical-align:top;word-break:break-all}aside td:first-child{font-weight:600;width:32%}
aside tr.offending td{background:#fde8e6;color:#8a1c12}aside tr.offending td:first-child::before{content:"✗ ";}
@media (max-width:1100px){main{margin-right:0}aside{position:static;width:auto;border-left:0;border-top:1px solid var(--line)}}
`;

const SCRIPT = `
(function(){
var data=JSON.parse(document.getElementById('trace-data').textContent);
var panel=document.getElementById('detail');
function esc(s){return String(s).replace(/[&<>"']/g,function(c){return{'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]})}
function time(k,v){return (k==='exp'||k==='iat'||k==='nbf'||k==='auth_time')&&typeof v==='number'?v+' ('+new Date(v*1000).toISOString()+')':typeof v==='object'?JSON.stringify(v):v}
function table(o,hot){var r='';for(var k in o){var bad=hot&&hot.indexOf(k)>=0;r+='<tr'+(bad?' class="offending" title="this claim failed an expectation"':'')+'><td>'+esc(k)+'</td><td>'+esc(time(k,o[k]))+'</td></tr>'}return '<table>'+r+'</table>'}
var offending=JSON.parse(document.getElementById('offending-data').textContent);
function hotClaims(scenario,field){return (offending[scenario]||[]).filter(function(o){return o.field===field}).map(function(o){return o.claim})}
function show(el){
  var ids=el.getAttribute('data-event').split(':');var ev=data[+ids[0]][+ids[1]];if(!ev)return;
  document.querySelectorAll('.msg.selected').forEach(function(n){n.classList.remove('selected')});el.classList.add('selected');
  var h='<h2>'+esc(ev.method+' '+ev.url)+'</h2><p>'+esc(ev.from)+' → '+esc(ev.to)+' · '+(ev.error?'<b>'+esc(ev.error)+'</b>':'status <b>'+esc(ev.status)+'</b>')+' · '+esc(ev.ms)+' ms'+(ev.label?' · '+esc(ev.label):'')+'</p>';
  if(ev.tokens&&ev.tokens.length){ev.tokens.forEach(function(t){h+='<h2>Token: '+esc(t.field)+'</h2><p class="muted">header</p>'+table(t.header)+'<p class="muted">claims</p>'+table(t.claims,hotClaims(+ids[0],t.field))})}
  if(ev.request){h+='<h2>Request</h2>';if(ev.request.headers)h+=table(ev.request.headers);if(ev.request.body!==undefined)h+='<pre>'+esc(JSON.stringify(ev.request.body,null,2))+'</pre>'}
  if(ev.response){h+='<h2>Response</h2>';if(ev.response.headers)h+=table(ev.response.headers);if(ev.response.body!==undefined)h+='<pre>'+esc(typeof ev.response.body==='string'?ev.response.body:JSON.stringify(ev.response.body,null,2))+'</pre>'}
  panel.innerHTML=h;
}
document.addEventListener('click',function(e){var g=e.target.closest&&e.target.closest('.msg');if(g)show(g)});
document.addEventListener('keydown',function(e){if(e.key==='Enter'&&e.target.classList&&e.target.classList.contains('msg'))show(e.target)});
var filter='all',query='';
function apply(){document.querySelectorAll('details.scenario').forEach(function(d){var ok=(filter==='all'||d.getAttribute('data-status')===filter)&&(!query||d.getAttribute('data-search').indexOf(query)>=0);d.style.display=ok?'':'none'})}
document.querySelectorAll('.controls button').forEach(function(b){b.addEventListener('click',function(){filter=b.getAttribute('data-filter');document.querySelectorAll('.controls button').forEach(function(o){o.setAttribute('aria-pressed',o===b?'true':'false')});apply()})});
document.getElementById('search').addEventListener('input',function(e){query=e.target.value.toLowerCase();apply()});
})();
`;

/**
 * Claims that failed an expectation, for highlighting in the decoded tokens: a mismatch at
 * "claims.tokens.id_token.sub" is the claim "sub" of the token found in field "id_token".
 */
function offendingClaims(result: ScenarioResult): Array<{ field: string; claim: string }> {
  const found: Array<{ field: string; claim: string }> = [];
  for (const mismatch of result.failure?.mismatches ?? []) {
    const segments = mismatch.path.split('.');
    if (segments[0] !== 'claims' || segments.length < 3) continue;
    const tokenPath = segments.slice(1, -1);
    found.push({ field: tokenPath[tokenPath.length - 1]!, claim: segments[segments.length - 1]! });
  }
  return found;
}

/** JSON inside a <script> element: "</script>" and "<!--" cannot appear. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function renderHtml(suite: SuiteResult): string {
  const rank = { failed: 0, skipped: 1, passed: 2 } as const;
  const ordered = [...suite.scenarios].sort((a, b) => rank[a.status] - rank[b.status]);
  const details: unknown[][] = [];
  const sections = ordered.map((result, index) => scenarioSection(result, index, details)).join('\n');
  const { passed, failed, skipped, total } = suite.summary;
  const targets = Object.entries(suite.targets)
    .map(([name, how]) => `${escapeHtml(name)}: ${escapeHtml(how)}`)
    .join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mockidp report: ${failed > 0 ? `${failed} failed` : 'all passed'}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>mockidp conformance report</h1>
<div class="summary"><span><b>${total}</b> scenarios</span><span style="color:var(--green)"><b>${passed}</b> passed</span><span style="color:var(--red)"><b>${failed}</b> failed</span><span style="color:var(--yellow)"><b>${skipped}</b> skipped${skipped > 0 ? ` (${escapeHtml(skipBreakdown(suite.summary))})` : ''}</span><span class="muted">${formatMs(suite.ms)} · ${escapeHtml(suite.startedAt)}${suite.shard ? ` · shard ${suite.shard.index}/${suite.shard.total}` : ''}${suite.flaw ? ` · flawed variant ${escapeHtml(suite.flaw)}` : ''}</span></div>
<div class="muted">${targets || 'IdP scenarios only'}</div>
<div class="controls"><button data-filter="all" aria-pressed="true">All</button> <button data-filter="failed" aria-pressed="false">Failed</button> <button data-filter="passed" aria-pressed="false">Passed</button> <button data-filter="skipped" aria-pressed="false">Skipped</button><input id="search" type="search" placeholder="Filter by name, tag, target" aria-label="Filter scenarios"></div>
</header>
<main>
${sections || '<p>No scenario ran.</p>'}
</main>
<aside id="detail" aria-live="polite"><h2>Details</h2><p class="muted">Click an arrow of a sequence diagram to see the request, the response and the decoded tokens.</p></aside>
<script type="application/json" id="trace-data">${scriptJson(details)}</script>
<script type="application/json" id="offending-data">${scriptJson(ordered.map(offendingClaims))}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

export const htmlReporter: ReporterKind = {
  name: 'html',
  summary: 'report.html: one self-contained file, failures first, a sequence diagram per scenario, decoded tokens on click.',
  file: 'report.html',
  create({ outDir }) {
    return {
      async finish(result) {
        await mkdir(outDir, { recursive: true });
        const path = join(outDir, 'report.html');
        await writeFile(path, renderHtml(result));
        return path;
      },
    };
  },
};
