import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Announcement } from './servers/announce.ts';

export interface RunningServer extends Announcement {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a bench server script in its own process and waits for its announcement line. `wrapper` runs Node under
 * another program (valgrind), which then owns the process id.
 */
export async function spawnServer(script: string, args: string[] = [], nodeArgs: string[] = [], wrapper: string[] = []): Promise<RunningServer> {
  const command = [...wrapper, process.execPath, ...nodeArgs, script, ...args];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const announcement = await new Promise<Announcement>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as Announcement));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before announcing:\n${stderr}`)));
  });
  return {
    ...announcement,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
