import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnServer } from './spawn-server.ts';
import { TOKEN_REQUEST, TOKEN_SERVERS } from './token.ts';

/*
 * Instructions per client_credentials token, counted by valgrind's callgrind rather than timed: repeated counts of the
 * same code agree within about 5 % here (when V8's background compiler and collector finish moves them), where rates
 * and CPU times on a shared 2-core machine move by 15 % between runs. Each server runs under callgrind (one count per
 * thread), is warmed up until V8 has optimised its hot code, and then answers `requests` tokens one after another on
 * one keep-alive connection, `rounds` times; the count is their mean (a round with a full garbage collection in it
 * counts no more than its share). The main thread is where JavaScript runs; the process adds the signing threads and
 * V8's own (garbage collection, compilation). Instructions are not time: code that waits on memory runs fewer
 * instructions a microsecond, so the CPU table tells the time and this one the work. Opt-in
 * (`--only token-instructions`): valgrind runs Node some 50 times slower, a few minutes a server.
 */

export interface TokenInstructions {
  alg: string;
  server: string;
  /** The main thread's instructions per token, over all rounds. */
  mainThread: number;
  /** All threads' instructions per token, over all rounds. */
  process: number;
  /** mockidp's main-thread count divided by this server's (below 1: mockidp does less work). */
  mockidpMainRatio: number;
  /** The same for the whole process. */
  mockidpProcessRatio: number;
}

const execFileAsync = promisify(execFile);

/** valgrind and its callgrind_control are installed (Debian: apt-get install valgrind). */
export const canCountInstructions = (): boolean =>
  spawnSync('valgrind', ['--version']).status === 0 && spawnSync('callgrind_control', ['--version']).status === 0;

/** `count` client_credentials requests, each sent once the previous one is answered, on one keep-alive connection. */
async function tokensInSequence(tokenUrl: string, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(tokenUrl);
  const { headers, body } = TOKEN_REQUEST;
  try {
    for (let index = 0; index < count; index += 1) {
      await new Promise<void>((resolve, reject) => {
        const sent = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers }, (response) => {
          response.resume();
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`${tokenUrl} answered ${response.statusCode}`))));
        });
        sent.on('error', reject);
        sent.end(body);
      });
    }
  } finally {
    agent.destroy();
  }
}

/** The instruction totals of one callgrind dump, by thread number (1 is the main thread). */
async function dumpTotals(directory: string, dump: number): Promise<Map<number, number>> {
  const totals = new Map<number, number>();
  const pattern = new RegExp(`^cg\\.out\\.${dump}-(\\d+)$`);
  for (const name of await readdir(directory)) {
    const thread = pattern.exec(name)?.[1];
    if (!thread) continue;
    const summary = /^(?:summary|totals): (\d+)/m.exec(await readFile(join(directory, name), 'utf8'));
    if (!summary) throw new Error(`callgrind dump ${name} has no summary line`);
    totals.set(Number(thread), Number(summary[1]));
  }
  if (!totals.has(1)) throw new Error(`callgrind wrote no dump ${dump} of the main thread in ${directory}`);
  return totals;
}

/** Retries for a few seconds: valgrind may still be writing a dump that callgrind_control asked for. */
async function settled<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function countServer(
  script: string,
  alg: string,
  options: { warmup: number; requests: number; rounds: number },
): Promise<{ mainThread: number; process: number }> {
  const directory = await mkdtemp(join(tmpdir(), 'mockidp-callgrind-'));
  const callgrind = [
    'valgrind',
    '--tool=callgrind',
    '--separate-threads=yes',
    '--smc-check=all-non-file',
    '--dump-instr=no',
    `--callgrind-out-file=${join(directory, 'cg.out')}`,
  ];
  const server = await spawnServer(script, [alg], [], callgrind);
  const pid = String(server.child.pid);
  try {
    await tokensInSequence(server.tokenUrl, options.warmup);
    let mainThread = 0;
    let process = 0;
    for (let round = 1; round <= options.rounds; round += 1) {
      await execFileAsync('callgrind_control', ['--zero', pid]);
      await tokensInSequence(server.tokenUrl, options.requests);
      await execFileAsync('callgrind_control', ['--dump', pid]);
      const totals = await settled(() => dumpTotals(directory, round));
      mainThread += totals.get(1)!;
      process += [...totals.values()].reduce((sum, value) => sum + value, 0);
    }
    const tokens = options.requests * options.rounds;
    return { mainThread: Math.round(mainThread / tokens), process: Math.round(process / tokens) };
  } finally {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

/** Every token server of the rate bench, two at a time (callgrind runs a process's threads on one core). */
export async function countTokenInstructions(options: {
  algs: string[];
  warmup: number;
  requests: number;
  rounds: number;
  onCount?: (row: { alg: string; server: string; mainThread: number; process: number }) => void;
}): Promise<TokenInstructions[]> {
  const jobs = options.algs.flatMap((alg) => Object.entries(TOKEN_SERVERS).map(([server, script]) => ({ alg, server, script })));
  const counted: Array<{ alg: string; server: string; mainThread: number; process: number }> = [];
  const next = async (): Promise<void> => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const row = { alg: job.alg, server: job.server, ...(await countServer(job.script, job.alg, options)) };
      options.onCount?.(row);
      counted.push(row);
    }
  };
  await Promise.all([next(), next()]);
  const order = options.algs.flatMap((alg) => Object.keys(TOKEN_SERVERS).map((server) => `${alg} ${server}`));
  counted.sort((a, b) => order.indexOf(`${a.alg} ${a.server}`) - order.indexOf(`${b.alg} ${b.server}`));
  return counted.map((row) => {
    const ours = counted.find((candidate) => candidate.alg === row.alg && candidate.server === 'mockidp')!;
    return {
      ...row,
      mockidpMainRatio: Number((ours.mainThread / row.mainThread).toFixed(2)),
      mockidpProcessRatio: Number((ours.process / row.process).toFixed(2)),
    };
  });
}
