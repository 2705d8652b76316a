import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatMs } from '../scenario/duration.ts';
import type { FlawMatrix, FlawMatrixEvent } from './matrix.ts';

/*
 * The flaw matrix for people: a live line per flawed variant, a summary table (flaw, component,
 * how many scenarios caught it, the first of them), and flaws.json for tools.
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
    const verdict = row.caughtBy.length > 0 ? `${c.green('✓')} ${row.flaw} ${c.dim(`(${row.component})`)} caught by ${row.caughtBy.length} of ${row.ran} scenario${row.ran === 1 ? '' : 's'}` : `${c.red('✗')} ${row.flaw} ${c.dim(`(${row.component})`)} ${c.red(`NOT CAUGHT by any of ${row.ran} scenarios`)}`;
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
  stream.write(`\n${c.bold(matrix.uncaught.length === 0 ? c.green(line) : c.red(`${line}; not caught: ${matrix.uncaught.join(', ')}`))} ${c.dim(`(${formatMs(matrix.ms)} with the clean run)`)}\n`);
}

export async function writeFlawMatrix(matrix: FlawMatrix, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, 'flaws.json');
  const { clean, ...rest } = matrix;
  await writeFile(path, `${JSON.stringify({ ...rest, clean: { summary: clean.summary, ms: clean.ms } }, null, 2)}\n`);
  return path;
}
