// `npm run bench`: startup, token rates, CPU per token, tenant scaling, whole flows and the suite's wall time of the mock IdP,
// each side by side with its peers measured in the same run and printed as ratios; written to bench/results.json.
// `npm run bench -- --readme` also rewrites the README's performance tables from these results.
import { cpus, totalmem } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { measureStartup } from './startup.ts';
import { compareTokenRates, measureTenantScaling } from './token.ts';
import { canMeasureTokenCpu, compareTokenCpu } from './token-cpu.ts';
import { canCountInstructions, countTokenInstructions } from './token-instructions.ts';
import { soak } from './soak.ts';
import { measureSuite } from './suite.ts';
import { compareFlowRates } from './flows.ts';
import { thousands, updateReadme, type BenchResults } from './readme.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    runs: { type: 'string', default: '7' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    readme: { type: 'boolean', default: false },
    'soak-tokens': { type: 'string', default: '1000000' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const runs = Number(values.runs);
const rounds = Number(values.rounds);
const only = values.only?.split(',');
const wanted = (section: string) => !only || only.includes(section);
const out = (line = '') => process.stdout.write(`${line}\n`);
const pad = (value: string | number, width: number) => String(value).padStart(width);

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
};
out(`machine: ${machine.cores} x ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);
// Sections not measured this time keep their last figures (so --only and --readme can be combined).
const previous = JSON.parse(await readFile('bench/results.json', 'utf8').catch(() => '{}')) as BenchResults;
const results: BenchResults = { ...previous, machine };

if (wanted('startup')) {
  out(`startup to discovery answering (median of ${runs} runs each, round robin after one warm-up each)`);
  const startup = await measureStartup(runs);
  const fastestPeer = (group: string) => Math.min(...startup.filter((row) => row.peer && row.group === group).map((row) => row.medianMs));
  for (const row of startup)
    out(
      `  ${row.server.padEnd(44)} median ${pad(row.medianMs, 5)} ms   min ${pad(row.minMs, 5)}   max ${pad(row.maxMs, 5)}   ${(row.medianMs / fastestPeer(row.group)).toFixed(2)} x the fastest peer ${row.group === 'process' ? 'from process start' : 'in a running process'}`,
    );
  results.startup = startup;
  out();
}

if (wanted('token')) {
  out(`client_credentials tokens/s, ${connections} connections, ${seconds} s each, median of ${rounds} rounds (every server once per round)`);
  const progress = process.stdout.isTTY
    ? (rate: { alg: string; server: string; tokensPerSecond: number }, round: number) =>
        process.stdout.write(`  round ${round + 1}: ${rate.alg} ${rate.server} ${rate.tokensPerSecond}/s\x1b[K\r`)
    : undefined;
  const comparisons = await compareTokenRates({ seconds, connections, rounds, algs: ['ES256', 'RS256'], ...(progress ? { onRate: progress } : {}) });
  if (progress) process.stdout.write('\x1b[K');
  for (const row of comparisons) {
    const ratio = row.server === 'mockidp' ? '' : `   mockidp = ${row.mockidpRatio.toFixed(2)} x this (median of per-round ratios)`;
    out(
      `  ${row.alg}  ${row.server.padEnd(28)} ${pad(row.tokensPerSecond, 6)}/s   p99 ${pad(row.p99Ms, 3)} ms   errors ${row.errors}   rounds ${row.rounds.join(' / ')}${ratio}`,
    );
  }
  results.tokenRate = comparisons;
  out();
}

if (wanted('token-cpu') && canMeasureTokenCpu()) {
  const rate = 400;
  out(`CPU per client_credentials token at ${rate} requests/s for ${seconds} s: every server at once, then one at a time; median of ${rounds} rounds`);
  const rows = [];
  for (const alg of ['ES256', 'RS256']) rows.push(...(await compareTokenCpu({ alg, rate, seconds, rounds })));
  for (const row of rows) {
    const ratio =
      row.server === 'mockidp'
        ? ''
        : `   mockidp = ${row.mockidpRatio.toFixed(2)} x this at once, ${row.aloneRatio.toFixed(2)} x alone (main thread; below 1 mockidp costs less)`;
    out(
      `  ${row.alg}  ${row.server.padEnd(28)} main thread ${pad(row.mainMicros, 5)} µs at once, ${pad(row.aloneMainMicros, 5)} µs alone   process ${pad(row.processMicros, 5)} µs${ratio}`,
    );
  }
  results.tokenCpu = rows;
  out();
}

// Opt-in: valgrind runs Node some 50 times slower (about two minutes a server).
if (only?.includes('token-instructions')) {
  if (canCountInstructions()) {
    const [warmup, requests] = [2000, 1000];
    out(`instructions per client_credentials token (callgrind, counted not timed): ${rounds} x ${requests} tokens in sequence after ${warmup}`);
    const rows = await countTokenInstructions({
      algs: ['ES256', 'RS256'],
      warmup,
      requests,
      rounds,
      onCount: (row) => out(`  counted ${row.alg} ${row.server}: main thread ${row.mainThread}, process ${row.process}`),
    });
    for (const row of rows) {
      const ratio =
        row.server === 'mockidp'
          ? ''
          : `   mockidp = ${row.mockidpMainRatio.toFixed(2)} x this (main thread), ${row.mockidpProcessRatio.toFixed(2)} x (process)`;
      out(`  ${row.alg}  ${row.server.padEnd(28)} main thread ${pad(thousands(row.mainThread), 9)}   process ${pad(thousands(row.process), 9)}${ratio}`);
    }
    results.tokenInstructions = rows;
  } else out('instructions per token: skipped, valgrind is not installed (Debian: apt-get install valgrind)');
  out();
}

if (wanted('tenants')) {
  out(`mockidp tokens/s on one tenant (ES256) while other tenants sit idle in the same server, median of ${rounds} rounds`);
  const scaling = await measureTenantScaling({ seconds, connections, rounds, counts: [1, 100, 1000], alg: 'ES256' });
  for (const row of scaling)
    out(
      `  ${pad(row.tenants, 5)} tenants   ${pad(row.tokensPerSecond, 6)}/s   p99 ${pad(row.p99Ms, 3)} ms   errors ${row.errors}   ${row.ratioToOne.toFixed(2)} x the rate with one tenant`,
    );
  results.tenants = scaling;
  out();
}

if (wanted('flows')) {
  out(`whole flows, ${connections} concurrent users, ${seconds} s each, median of ${rounds} rounds`);
  const flows = await compareFlowRates({ seconds, connections, rounds }, (line) => out(`  ${line}`));
  for (const row of flows) {
    const ratio = row.server === 'mockidp' ? '' : `   mockidp = ${row.mockidpRatio.toFixed(2)} x this`;
    const cpu = `   CPU a flow: server ${row.serverCpuMs === undefined ? '?' : row.serverCpuMs.toFixed(2)} ms, users ${row.clientCpuMs.toFixed(2)} ms`;
    out(`  ${row.server.padEnd(36)} ${row.flow.padEnd(48)} ${pad(row.perSecond, 6)}/s   p99 ${pad(row.p99Ms, 4)} ms   errors ${row.errors}${cpu}${ratio}`);
  }
  results.flows = flows;
  out();
}

if (wanted('suite')) {
  out(`built-in suite wall time (mockidp run, process start included; median of ${Math.min(runs, 3)} runs after a warm-up)`);
  const timings = await measureSuite(Math.min(runs, 3), (line) => out(`  ${line}`));
  for (const row of timings) {
    const perScenario = row.wallMs / row.scenarios;
    const ratio = row.ratioToBaseline === undefined ? '' : `   ${row.ratioToBaseline.toFixed(2)} x the 2026-11-24 code's`;
    out(
      `  ${row.mode.padEnd(44)} ${pad(row.wallMs, 6)} ms   ${row.scenarios} scenarios (${row.passed} passed, ${row.failed} failed)   ${perScenario.toFixed(1)} ms a scenario${ratio}`,
    );
  }
  results.suite = timings;
  out();
}

if (only?.includes('soak')) {
  const tokens = Number(values['soak-tokens']);
  out(`soak: ${tokens} client_credentials tokens (opaque, stored, 5 s lifetime), then expiry`);
  const result = await soak(tokens, (done) => process.stdout.write(`  ${done} tokens issued\r`));
  out(
    `\n  ${result.tokens} tokens in ${result.seconds} s; heap after GC: start ${result.heapMiB.start} MiB, peak ${result.heapMiB.peak} MiB, after expiry ${result.heapMiB.afterExpiry} MiB (rss ${result.rssMiB.start} / ${result.rssMiB.peak} / ${result.rssMiB.afterExpiry} MiB)\n`,
  );
  results.soak = result;
}

await writeFile('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
out('wrote bench/results.json');
if (values.readme) {
  await updateReadme(results);
  out('rewrote the performance tables of README.md');
}
