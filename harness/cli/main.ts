import { serveCommand } from './serve.ts';
import { componentCommand } from './component.ts';
import { runCommand } from './run.ts';
import { validateCommand } from './validate.ts';
import { schemaCommand } from './schema.ts';
import { listCommand } from './list.ts';
import { reportCommand } from './report.ts';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

const commands: Command[] = [serveCommand, componentCommand, runCommand, validateCommand, listCommand, schemaCommand, reportCommand];

function help(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'mockidp: a mock OpenID Connect provider and conformance harness',
    '',
    'Usage: mockidp <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `mockidp <command> --help` for the options of a command.',
  ].join('\n');
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`mockidp: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return command.run(rest);
}
