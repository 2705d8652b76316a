import { mergeResults, readResults } from '../report/merge.ts';
import { createReporters, writeReports } from '../report/write-reports.ts';
import { commaList, parseFlags, UsageError } from './args.ts';
import type { Command } from './command.ts';

const usage = `Usage: mockidp report merge <results.json...> [--out DIR] [--reporter LIST]

Combines the JSON results of shards (mockidp run --shard i/n) into one report: JUnit XML, HTML and
JSON (default: all three, plus a console summary) in DIR (default reports/mockidp).
Exit code 0 when every merged scenario passed, 1 otherwise.`;

export const reportCommand: Command = {
  name: 'report',
  summary: 'merge the JSON results of shards into one JUnit and HTML report',
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub !== 'merge') {
      process.stderr.write(`mockidp report: ${sub ? `unknown subcommand "${sub}"` : 'missing subcommand'}; use "mockidp report merge <results.json...>"\n`);
      return 2;
    }
    const parsed = parseFlags(rest, { out: { type: 'string', short: 'o' }, reporter: { type: 'string', multiple: true } }, true);
    if (parsed.positionals.length === 0) throw new UsageError('give the results.json files of the shards');
    const outDir = parsed.values.out ?? 'reports/mockidp';
    const reporters = createReporters({ reporters: commaList(parsed.values.reporter, 'console,json,junit,html'), outDir, stream: process.stdout });
    const merged = mergeResults(await Promise.all(parsed.positionals.map((path) => readResults(path))));
    await writeReports(merged, reporters);
    return merged.summary.failed > 0 ? 1 : 0;
  },
};
