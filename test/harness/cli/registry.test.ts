import { describe, expect, it } from 'vitest';
import { loadCommands, main } from '../../../harness/cli/main.ts';

describe('the command registry', () => {
  it('lists each command under the name and summary its module declares', async () => {
    const modules = await loadCommands();
    const output: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      output.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await main(['--help'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    for (const command of modules) expect(output.join('')).toMatch(new RegExp(`\\n  ${command.name}\\s+${command.summary.replace(/[()]/g, '\\$&')}\\n`));
  });
});
