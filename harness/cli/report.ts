import { parseArgs } from 'node:util';
import { mergeResults, MergeError, readResults } from '../report/merge.ts';
import { checkReporters, writeReports } from '../report/run-with-reports.ts';
import { reporterKind } from '../report/index.ts';
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
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: { out: { type: 'string', short: 'o' }, reporter: { type: 'string', multiple: true } },
      });
      if (parsed.positionals.length === 0) throw new Error('give the results.json files of the shards');
    } catch (error) {
      process.stderr.write(`mockidp report merge: ${(error as Error).message}\n`);
      return 2;
    }
    const names = (parsed.values.reporter ?? ['console,json,junit,html'])
      .flatMap((value) => value.split(','))
      .map((name) => name.trim())
      .filter(Boolean);
    try {
      checkReporters(names);
      const merged = mergeResults(await Promise.all(parsed.positionals.map((path) => readResults(path))));
      const outDir = parsed.values.out ?? 'reports/mockidp';
      const reporters = names.map((name) => ({ name, reporter: reporterKind(name)!.create({ outDir, stream: process.stdout }) }));
      await writeReports(merged, reporters);
      return merged.summary.failed > 0 ? 1 : 0;
    } catch (error) {
      if (error instanceof MergeError || /unknown reporter/.test((error as Error).message)) {
        process.stderr.write(`mockidp report merge: ${(error as Error).message}\n`);
        return 2;
      }
      throw error;
    }
  },
};
