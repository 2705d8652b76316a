import { formatMs } from '../scenario/duration.ts';
import { failureText } from './failure-text.ts';
import { skipBreakdown, type ScenarioResult, type SuiteResult } from './result.ts';
import type { ReporterKind } from './reporter.ts';

/*
 * Live progress while the suite runs (one line per finished scenario, with a running count), then
 * the failures explained, a summary line, and where the reports are.
 */

function palette(color: boolean) {
  const wrap = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), dim: wrap(2), bold: wrap(1) };
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

export const consoleReporter: ReporterKind = {
  name: 'console',
  summary: 'Live progress on the terminal, the failures explained, and a summary.',
  create({ stream }) {
    const color = Boolean(stream.isTTY) && !process.env['NO_COLOR'];
    const c = palette(color);
    const write = (text: string) => stream.write(`${text}\n`);
    const mark = (result: ScenarioResult) => (result.status === 'passed' ? c.green('✓') : result.status === 'failed' ? c.red('✗') : c.yellow('-'));
    return {
      onEvent(event) {
        if (event.type === 'start') {
          write(c.bold(`mockidp run: ${event.total} scenario${event.total === 1 ? '' : 's'}`));
          write(c.dim(`  IdP ${event.idpUrl}${event.issuer ? ` (issuer for your target: ${event.issuer})` : ''}`));
          for (const [name, how] of Object.entries(event.targets)) write(c.dim(`  ${name}: ${how}`));
        } else if (event.type === 'scenario-end') {
          const { result, done, total } = event;
          const width = String(total).length;
          const extra =
            result.status === 'skipped'
              ? c.dim(` (skipped: ${result.skipReason})`)
              : result.status === 'failed'
                ? c.red(` — ${result.failure?.message.split('\n')[0]}`)
                : '';
          write(`${c.dim(`[${String(done).padStart(width)}/${total}]`)} ${mark(result)} ${result.name} ${c.dim(`(${formatMs(result.ms)})`)}${extra}`);
        } else if (event.type === 'notice') {
          write(c.yellow(event.message));
        }
      },
      async finish(result: SuiteResult, written: string[]) {
        const failures = result.scenarios.filter((scenario) => scenario.status === 'failed');
        if (failures.length > 0) {
          write('');
          write(c.bold(c.red(`Failures (${failures.length}):`)));
          failures.forEach((scenario, index) => {
            write('');
            write(`${c.red(`${index + 1}) ${scenario.name}`)} ${c.dim(`${scenario.file}:${scenario.line}`)}`);
            write(indent(failureText(scenario), '   '));
          });
        }
        const { passed, failed, skipped } = result.summary;
        write('');
        const parts = [
          c.green(`${passed} passed`),
          failed > 0 ? c.red(`${failed} failed`) : `${failed} failed`,
          skipped > 0 ? c.yellow(`${skipped} skipped (${skipBreakdown(result.summary)})`) : `${skipped} skipped`,
        ];
        write(
          `${c.bold(parts.join(', '))} in ${formatMs(result.ms)}${result.shard ? ` (shard ${result.shard.index}/${result.shard.total})` : ''}${result.flaw ? ` against the flawed variant ${result.flaw}` : ''}`,
        );
        for (const path of written) write(`${path.endsWith('.html') ? 'HTML report' : path.endsWith('.xml') ? 'JUnit XML' : 'JSON results'}: ${path}`);
        return undefined;
      },
    };
  },
};
