import { formatProblem } from '../scenario/errors.ts';
import { loadScenarios } from '../scenario/load.ts';
import { parseFlags } from './args.ts';
import type { Command } from './command.ts';
import { builtinScenarios } from '../scenario/builtin.ts';

const usage = `Usage: mockidp validate [paths...]

Checks scenario files (default: the built-in library) without running them: YAML syntax, fields and types,
step kinds, target operations. Each problem names the file, the line, the field and the fix.
Exit code 0 when every file is valid, 1 otherwise.`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check scenario files without running them',
  usage,
  async run(args) {
    const { positionals } = parseFlags(args, {}, true);
    const { scenarios, problems, files } = await loadScenarios(positionals.length > 0 ? positionals : [builtinScenarios()]);
    for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
    const badFiles = new Set(problems.map((problem) => problem.file)).size;
    process.stdout.write(
      `${files} file${files === 1 ? '' : 's'}, ${scenarios.length} valid scenario${scenarios.length === 1 ? '' : 's'}${problems.length > 0 ? `, ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${badFiles} file${badFiles === 1 ? '' : 's'}` : ''}\n`,
    );
    return problems.length > 0 ? 1 : 0;
  },
};
