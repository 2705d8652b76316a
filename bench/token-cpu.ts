import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnServer } from './spawn-server.ts';
import { load, median, TOKEN_SERVERS } from './token.ts';

/*
 * CPU time per token, measured on every server at once: each gets the same fixed request rate (well under
 * saturation) in the same seconds, so a burst of load on the machine falls on all of them alike. Throughput
 * ratios on a shared 2-core machine move by +-15% between runs; these move by a few percent. The CPU is the
 * server's main thread (where JavaScript runs) and its whole process (with the signing threads), from
 * /proc/<pid>/task/<tid>/stat (Linux). The same is then measured with one server loaded at a time (the others idle),
 * as the two can disagree: servers loaded together on two cores also compete for caches and for the signing threads.
 */

export interface TokenCpu {
  alg: string;
  server: string;
  /** Median over the rounds of main-thread CPU microseconds per token. */
  mainMicros: number;
  /** Median over the rounds of whole-process CPU microseconds per token. */
  processMicros: number;
  /** Median over the rounds of mockidp's main-thread CPU per token divided by this server's in the same seconds (below 1: mockidp costs less). */
  mockidpRatio: number;
  /** The same main-thread figure with this server loaded alone (the others idle), median over the rounds. */
  aloneMainMicros: number;
  /** Median over the rounds of mockidp's alone figure divided by this server's in the same round. */
  aloneRatio: number;
}

const CLOCK_TICK_MICROS = 10_000; // USER_HZ = 100

/** CPU a process has used so far, its main thread's and all its threads', in microseconds. */
export function cpuMicros(pid: number): { main: number; process: number } {
  let main = 0;
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    total += ticks;
    if (Number(tid) === pid) main += ticks;
  }
  return { main: main * CLOCK_TICK_MICROS, process: total * CLOCK_TICK_MICROS };
}

/** Per-thread CPU times are read from Linux's /proc. */
export const canMeasureTokenCpu = (): boolean => existsSync('/proc/self/task');

export async function compareTokenCpu(options: { alg: string; rate: number; seconds: number; rounds: number }): Promise<TokenCpu[]> {
  const servers = await Promise.all(Object.entries(TOKEN_SERVERS).map(async ([name, script]) => ({ name, server: await spawnServer(script, [options.alg]) })));
  try {
    await Promise.all(servers.map(({ server }) => load(server.tokenUrl, 1, 8)));
    const samples = new Map<string, Array<{ main: number; process: number }>>(servers.map(({ name }) => [name, []]));
    for (let round = 0; round < options.rounds; round += 1) {
      const before = servers.map(({ server }) => cpuMicros(server.child.pid!));
      const results = await Promise.all(servers.map(({ server }) => load(server.tokenUrl, options.seconds, 8, options.rate)));
      servers.forEach(({ name, server }, index) => {
        const after = cpuMicros(server.child.pid!);
        const tokens = results[index]!['2xx'];
        if (tokens === 0) throw new Error(`${name} issued no token in round ${round + 1}`);
        samples.get(name)!.push({ main: (after.main - before[index]!.main) / tokens, process: (after.process - before[index]!.process) / tokens });
      });
    }
    const alone = new Map<string, number[]>(servers.map(({ name }) => [name, []]));
    for (let round = 0; round < options.rounds; round += 1) {
      for (const { name, server } of servers) {
        const before = cpuMicros(server.child.pid!);
        const result = await load(server.tokenUrl, options.seconds, 8, options.rate);
        const tokens = result['2xx'];
        if (tokens === 0) throw new Error(`${name} issued no token in round ${round + 1} (alone)`);
        alone.get(name)!.push((cpuMicros(server.child.pid!).main - before.main) / tokens);
      }
    }
    const ours = samples.get('mockidp')!;
    const oursAlone = alone.get('mockidp')!;
    return servers.map(({ name }) => {
      const rounds = samples.get(name)!;
      const aloneRounds = alone.get(name)!;
      return {
        alg: options.alg,
        server: name,
        mainMicros: Math.round(median(rounds.map((sample) => sample.main))),
        processMicros: Math.round(median(rounds.map((sample) => sample.process))),
        mockidpRatio: Number(median(rounds.map((sample, round) => ours[round]!.main / sample.main)).toFixed(2)),
        aloneMainMicros: Math.round(median(aloneRounds)),
        aloneRatio: Number(median(aloneRounds.map((micros, round) => oursAlone[round]! / micros)).toFixed(2)),
      };
    });
  } finally {
    await Promise.all(servers.map(({ server }) => server.stop()));
  }
}
