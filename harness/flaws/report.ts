import { escapeHtml } from '../../common/html.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatMs } from '../scenario/duration.ts';
import type { FlawMatrix, FlawMatrixEvent } from './matrix.ts';

/*
 * The flaw matrix for people: a live line per flawed variant, a summary table (flaw, component,
 * how many scenarios caught it, the first of them), flaws.html to look at and flaws.json for tools.
 */

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

function colors(stream: Stream) {
  const on = Boolean(stream.isTTY) && !process.env['NO_COLOR'];
  const wrap = (code: number) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { red: wrap(31), green: wrap(32), dim: wrap(2), bold: wrap(1) };
}

export function flawProgress(stream: Stream): (event: FlawMatrixEvent) => void {
  const c = colors(stream);
  return (event) => {
    if (event.type === 'flaw-start') {
      if (event.index === 0) stream.write(`\n${c.bold(`Flaw matrix: the suite against ${event.total} flawed variants of the reference components`)}\n`);
      return;
    }
    const { row, index, total } = event;
    const counter = c.dim(`[${String(index + 1).padStart(String(total).length)}/${total}]`);
    const verdict =
      row.caughtBy.length > 0
        ? `${c.green('✓')} ${row.flaw} ${c.dim(`(${row.component})`)} caught by ${row.caughtBy.length} of ${row.ran} scenario${row.ran === 1 ? '' : 's'}`
        : `${c.red('✗')} ${row.flaw} ${c.dim(`(${row.component})`)} ${c.red(`NOT CAUGHT by any of ${row.ran} scenarios`)}`;
    stream.write(`${counter} ${verdict} ${c.dim(formatMs(row.ms))}\n`);
  };
}

export function flawSummary(matrix: FlawMatrix, stream: Stream): void {
  const c = colors(stream);
  const caught = matrix.rows.length - matrix.uncaught.length;
  const width = Math.max(...matrix.rows.map((row) => row.flaw.length), 4);
  stream.write(`\n${c.bold('flaw'.padEnd(width))}  ${c.bold('component'.padEnd(13))}  ${c.bold('caught by')}\n`);
  for (const row of matrix.rows) {
    const first = row.caughtBy[0];
    const by = first ? `${row.caughtBy.length} · ${first.name}${row.caughtBy.length > 1 ? ', …' : ''}` : c.red('nothing');
    stream.write(`${row.flaw.padEnd(width)}  ${row.component.padEnd(13)}  ${by.length > 90 ? `${by.slice(0, 89)}…` : by}\n`);
  }
  const line = `${caught} of ${matrix.rows.length} flaws caught`;
  stream.write(
    `\n${c.bold(matrix.uncaught.length === 0 ? c.green(line) : c.red(`${line}; not caught: ${matrix.uncaught.join(', ')}`))} ${c.dim(`(${formatMs(matrix.ms)} with the clean run)`)}\n`,
  );
}

/** One self-contained page: each flaw, what it does, and the scenarios that caught it (or that nothing did). */
function renderFlawMatrix(matrix: FlawMatrix): string {
  const caught = matrix.rows.length - matrix.uncaught.length;
  const rows = matrix.rows
    .map((row) => {
      const by =
        row.caughtBy.length > 0
          ? `<ul>${row.caughtBy.map((scenario) => `<li>${escapeHtml(scenario.name)} <code>${escapeHtml(scenario.id)}</code></li>`).join('')}</ul>`
          : '<strong class="bad">not caught by any scenario</strong>';
      return `<tr class="${row.caughtBy.length > 0 ? 'ok' : 'bad'}"><td><code>${escapeHtml(row.flaw)}</code></td><td>${escapeHtml(row.component)}</td><td>${escapeHtml(row.description)}</td><td>${row.caughtBy.length} of ${row.ran}</td><td>${by}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>mockidp flaw matrix: ${caught} of ${matrix.rows.length} caught</title>
<style>:root{color-scheme:light dark}body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #8884;padding:.4rem;text-align:left;vertical-align:top}ul{margin:0;padding-left:1.1rem}tr.bad td{background:#b4231822}.bad{color:#b42318}code{font-size:.85em}</style></head>
<body><h1>Flaw matrix</h1>
<p>The built-in suite against each deliberately flawed variant of the reference components: <strong>${caught} of ${matrix.rows.length}</strong> flaws caught. A flaw counts as caught by a scenario that passes against the clean components (${matrix.clean.summary.passed} of ${matrix.clean.summary.total} did) and fails against the flawed one.</p>
<table><thead><tr><th>Flaw</th><th>Component</th><th>What the flawed variant does</th><th>Scenarios failing</th><th>Caught by</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

export async function writeFlawMatrix(matrix: FlawMatrix, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const json = join(outDir, 'flaws.json');
  const html = join(outDir, 'flaws.html');
  const { clean, ...rest } = matrix;
  await writeFile(json, `${JSON.stringify({ ...rest, clean: { summary: clean.summary, ms: clean.ms } }, null, 2)}\n`);
  await writeFile(html, renderFlawMatrix(matrix));
  return [json, html];
}
