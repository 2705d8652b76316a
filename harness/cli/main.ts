import { HarnessError } from '../errors.ts';
import { UsageError } from './args.ts';
import type { Command } from './command.ts';

/*
 * The commands, loaded only when run: `mockidp serve` does not pay for the runner, the reference
 * components or the report writers (startup time is a feature).
 */
const commands: Array<{ name: string; summary: string; load: () => Promise<Command> }> = [
  { name: 'serve', summary: 'serve the mock IdP (tenants, users, clients from a config file)', load: async () => (await import('./serve.ts')).serveCommand },
  {
    name: 'component',
    summary: 'run a reference component (authenticator, sts, bearer-api, device-cli), optionally flawed',
    load: async () => (await import('./component.ts')).componentCommand,
  },
  {
    name: 'run',
    summary: 'run scenarios against the reference components or your own target, and report',
    load: async () => (await import('./run.ts')).runCommand,
  },
  { name: 'validate', summary: 'check scenario files without running them', load: async () => (await import('./validate.ts')).validateCommand },
  { name: 'list', summary: 'list scenarios with their target and tags', load: async () => (await import('./list.ts')).listCommand },
  { name: 'schema', summary: 'write the JSON Schema of scenario files (for editors)', load: async () => (await import('./schema.ts')).schemaCommand },
  { name: 'report', summary: 'merge the JSON results of shards into one JUnit and HTML report', load: async () => (await import('./report.ts')).reportCommand },
];

/** Every command, loaded (for tests that check the registry against the modules). */
export async function loadCommands(): Promise<Command[]> {
  return Promise.all(commands.map((command) => command.load()));
}

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
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    process.stderr.write(`mockidp: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // A refused flag or option, a scenario file that does not load, a launch that fails: said in one line, exit 2.
    if (!(error instanceof HarnessError)) throw error;
    process.stderr.write(`mockidp ${name}: ${error.message}\n`);
    if (error instanceof UsageError) process.stderr.write(`Run "mockidp ${name} --help" for the options.\n`);
    return 2;
  }
}
