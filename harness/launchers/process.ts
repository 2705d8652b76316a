import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { sendHttp } from '../runner/http.ts';
import type { CommandIo, CommandResult, TargetConnection } from '../targets/session.ts';
import { lastLines, PLACEHOLDER, placeholders, targetEnvironment } from './launch-values.ts';
import { freePort } from '../../common/free-port.ts';
import { LaunchError, type LaunchRequest, type Launcher } from './launcher.ts';
import { probe } from './url.ts';

/*
 * A target started as a command (a shell command line, with env and placeholders). A server is
 * ready when it prints "listening on http://HOST:PORT" or, when a URL is known, when that URL
 * answers; a command target (device-cli) is run once per operation with the operation's arguments.
 * Placeholders: {issuer} {client_id} {client_secret} {redirect_uri} {port} {tenant} {ca_file}; the same values
 * are in the env as MOCKIDP_ISSUER, MOCKIDP_CLIENT_ID, MOCKIDP_CLIENT_SECRET, MOCKIDP_REDIRECT_URI, PORT.
 */

// The URL after "listening on", without punctuation that follows it ("listening on http://127.0.0.1:9420: ...").
const LISTENING = /listening on (https?:\/\/[^\s"']+?)[.,;:]*\s/i;

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function expandCommand(command: string, values: Record<string, string>): string {
  return command.replace(PLACEHOLDER, (_, name: string) => shellQuote(values[name] ?? ''));
}

function environment(request: LaunchRequest, values: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...targetEnvironment(request, values) };
}

/** Stops a process group: SIGTERM, then SIGKILL after a grace period. */
async function stop(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      child.kill(name);
    }
  };
  signal('SIGTERM');
  const timer = delay(graceMs).then(() => 'timeout' as const);
  if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
    signal('SIGKILL');
    await exited;
  }
}

async function startServer(request: LaunchRequest, command: string): Promise<TargetConnection> {
  const port = await freePort();
  const values = placeholders(request, port);
  const line = expandCommand(command, values);
  const child = spawn(line, { shell: true, detached: true, env: environment(request, values), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let announced: string | undefined;
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
    announced ??= LISTENING.exec(output)?.[1]?.replace(/\/$/, '');
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const deadline = performance.now() + request.readyTimeoutMs;
  const candidate = request.url;
  let url: string | undefined;
  while (!url) {
    if (spawnError) throw new LaunchError(`cannot start "${line}": ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new LaunchError(`"${line}" exited with ${child.exitCode ?? child.signalCode} before it was ready${lastLines(output)}`);
    if (performance.now() > deadline) {
      await stop(child);
      throw new LaunchError(
        `"${line}" was not ready after ${request.readyTimeoutMs} ms: it should print "listening on http://HOST:PORT" or answer at ${candidate ?? `http://127.0.0.1:${port}`}${request.kind.readinessPath ?? '/'}${lastLines(output)}`,
      );
    }
    const base = announced ?? candidate ?? `http://127.0.0.1:${port}`;
    const problem = await probe(base, request.kind.readinessPath ?? '/', 1_000);
    if (problem === undefined || /answered/.test(problem)) url = base;
    if (!url) await delay(50);
  }
  const ready = url;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: ready,
    request: (spec, signal) => sendHttp(`${ready}${spec.url}`, spec, signal),
    describe: `${request.kind.name}: ${line} (pid ${child.pid}) at ${ready}`,
    async diagnose() {
      // A crashing process closes its sockets a moment before its exit is reported.
      await Promise.race([exited, delay(300)]);
      if (child.exitCode === null && child.signalCode === null) return undefined;
      return `the target process exited with ${child.exitCode ?? child.signalCode}${lastLines(output)}`;
    },
    close: () => stop(child),
  };
}

function commandConnection(request: LaunchRequest, command: string): TargetConnection {
  const values = placeholders(request, 0);
  const base = expandCommand(command, values);
  return {
    url: undefined,
    describe: `${request.kind.name}: ${base} <operation>`,
    run(args: string[], io: CommandIo): Promise<CommandResult> {
      const line = `${base} ${args.map(shellQuote).join(' ')}`;
      return new Promise<CommandResult>((resolve, reject) => {
        const child = spawn(line, { shell: true, detached: true, env: environment(request, values), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          stdout += text;
          io.onStdout?.(text);
        });
        child.stderr!.on('data', (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          stderr += text;
          io.onStderr?.(text);
        });
        const abort = () => void stop(child, 500);
        io.signal.addEventListener('abort', abort, { once: true });
        child.once('error', (error) => reject(new LaunchError(`cannot run "${line}": ${error.message}`)));
        child.once('close', (code, signal) => {
          io.signal.removeEventListener('abort', abort);
          resolve({ exit: code ?? (signal ? 128 : 1), stdout, stderr });
        });
      });
    },
    async close() {},
  };
}

export const processLauncher: Launcher = {
  name: 'process',
  summary: 'A command started by the runner (--target-command NAME="cmd ..."), with env and a readiness check.',
  async launch(request) {
    const command = request.command;
    if (!command) throw new LaunchError(`the process launcher needs a command: --target-command ${request.kind.name}="your command"`);
    return request.kind.shape === 'command' ? commandConnection(request, command) : startServer(request, command);
  },
};
