import { writeFile } from 'node:fs/promises';
import { scenarioJsonSchema } from '../scenario/schema.ts';
import { parseFlags } from './args.ts';
import type { Command } from './command.ts';

const usage = `Usage: mockidp schema [--out FILE]

Writes the JSON Schema of scenario files (to stdout, or to FILE), for editor completion and checks.
With the YAML extension of VS Code (or any yaml-language-server editor), start a scenario with:
  # yaml-language-server: $schema=../scenario.schema.json`;

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'write the JSON Schema of scenario files (for editors)',
  usage,
  async run(args) {
    const { values } = parseFlags(args, { out: { type: 'string', short: 'o' } });
    const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
    if (values.out) {
      await writeFile(values.out, text);
      process.stdout.write(`wrote ${values.out}\n`);
    } else process.stdout.write(text);
    return 0;
  },
};
