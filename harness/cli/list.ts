import { formatProblem } from '../scenario/errors.ts';
import { loadScenarios } from '../scenario/load.ts';
import { matchesGrep, matchesTags } from '../runner/select.ts';
import { parseFlags } from './args.ts';
import type { Command } from './command.ts';
import { builtinScenarios } from '../scenario/builtin.ts';

const usage = `Usage: mockidp list [paths...] [--grep REGEX] [--tag TAG] [--json]

Lists the scenarios (default: the built-in library) with their target and tags, without running them.`;

export const listCommand: Command = {
  name: 'list',
  summary: 'list scenarios with their target and tags',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags(
      args,
      { grep: { type: 'string', short: 'g' }, tag: { type: 'string', multiple: true, short: 't' }, json: { type: 'boolean' } },
      true,
    );
    const { scenarios, problems } = await loadScenarios(positionals.length > 0 ? positionals : [builtinScenarios()]);
    const shown = scenarios.filter((scenario) => matchesGrep(scenario, values.grep) && matchesTags(scenario, values.tag));
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify(
          shown.map((s) => ({ id: s.id, name: s.name, file: s.file, line: s.line, target: s.target?.name ?? null, tags: s.tags, steps: s.steps.length })),
          null,
          2,
        )}\n`,
      );
    } else {
      const width = Math.min(60, Math.max(0, ...shown.map((s) => s.id.length)));
      for (const s of shown)
        process.stdout.write(`${s.id.padEnd(width)}  ${(s.target?.name ?? 'idp').padEnd(13)}  ${s.name}${s.tags.length ? `  [${s.tags.join(', ')}]` : ''}\n`);
      process.stdout.write(`${shown.length} scenario${shown.length === 1 ? '' : 's'}\n`);
    }
    for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
    return problems.length > 0 ? 1 : 0;
  },
};
