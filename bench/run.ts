// `npm run bench`: startup and token-rate figures of the mock IdP side by side with its peers,
// printed as a table (with ratios to the ceiling and to each peer) and written to bench/results.json.
import { cpus, totalmem } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { measureStartup } from './startup.ts';
import { measureTokenRate, TOKEN_SERVERS, type TokenRate } from './token.ts';
import { soak } from './soak.ts';
import { measureSuite } from './suite.ts';
import { measureFlowRates } from './flows.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '16' }, runs: { type: 'string', default: '7' }, only: { type: 'string' }, 'soak-tokens': { type: 'string', default: '1000000' } } });
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const runs = Number(values.runs);
const only = values.only;

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString() };
process.stdout.write(`machine: ${machine.cores} x ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}\n\n`);

const results: Record<string, unknown> = { machine };

if (!only || only === 'startup') {
  process.stdout.write(`startup to discovery answering (${runs} runs each, after one warm-up)\n`);
  const startup = await measureStartup(runs);
  const installed = startup.find((row) => row.server.includes('installed'))!;
  for (const row of startup) {
    const ratio = row === installed ? '' : `   installed mockidp = ${(installed.medianMs / row.medianMs).toFixed(2)} x this`;
    process.stdout.write(`  ${row.server.padEnd(44)} median ${String(row.medianMs).padStart(5)} ms   min ${String(row.minMs).padStart(5)}   max ${String(row.maxMs).padStart(5)}${ratio}\n`);
  }
  results['startup'] = startup;
  process.stdout.write('\n');
}

if (!only || only === 'token') {
  const rates: TokenRate[] = [];
  for (const alg of ['ES256', 'RS256']) {
    process.stdout.write(`client_credentials tokens/s, ${alg}, ${connections} connections, ${seconds} s each\n`);
    for (const [name, script] of Object.entries(TOKEN_SERVERS)) {
      const rate = await measureTokenRate(name, script, alg, { seconds, connections });
      rates.push(rate);
    }
    const ceiling = rates.find((rate) => rate.alg === alg && rate.server.includes('ceiling'))!;
    const ours = rates.find((rate) => rate.alg === alg && rate.server === 'mockidp')!;
    for (const rate of rates.filter((candidate) => candidate.alg === alg)) {
      const vsCeiling = (rate.tokensPerSecond / ceiling.tokensPerSecond).toFixed(2);
      const oursVs = rate === ours ? '' : `   mockidp = ${(ours.tokensPerSecond / rate.tokensPerSecond).toFixed(2)} x this`;
      process.stdout.write(`  ${rate.server.padEnd(28)} ${String(rate.tokensPerSecond).padStart(6)}/s   ${vsCeiling} of ceiling   p99 ${rate.p99Ms} ms   errors ${rate.errors}${oursVs}\n`);
    }
    process.stdout.write('\n');
  }
  results['tokenRate'] = rates;
}

if (!only || only === 'flows') {
  process.stdout.write(`whole flows against mockidp (default tenant), ${connections} concurrent users, ${seconds} s each\n`);
  const flows = await measureFlowRates({ seconds, connections });
  for (const row of flows) process.stdout.write(`  ${row.flow.padEnd(48)} ${String(row.perSecond).padStart(6)}/s   p99 ${row.p99Ms} ms   errors ${row.errors}\n`);
  results['flows'] = flows;
  process.stdout.write('\n');
}

if (!only || only === 'suite') {
  process.stdout.write(`built-in suite wall time (mockidp run scenarios/, process start included; median of ${Math.min(runs, 3)} runs after a warm-up)\n`);
  const timings = await measureSuite(Math.min(runs, 3));
  for (const row of timings) process.stdout.write(`  ${row.mode.padEnd(40)} ${String(row.wallMs).padStart(6)} ms   ${row.scenarios} scenarios (${row.passed} passed, ${row.failed} failed)   ${(row.scenarios / (row.wallMs / 1000)).toFixed(1)} scenarios/s\n`);
  results['suite'] = timings;
  process.stdout.write('\n');
}

if (only === 'soak') {
  const tokens = Number(values['soak-tokens']);
  process.stdout.write(`soak: ${tokens} client_credentials tokens (opaque, stored, 5 s lifetime), then expiry\n`);
  const result = await soak(tokens, (done) => process.stdout.write(`  ${done} tokens issued\r`));
  process.stdout.write(`\n  ${result.tokens} tokens in ${result.seconds} s; heap after GC: start ${result.heapMiB.start} MiB, peak ${result.heapMiB.peak} MiB, after expiry ${result.heapMiB.afterExpiry} MiB (rss ${result.rssMiB.start} / ${result.rssMiB.peak} / ${result.rssMiB.afterExpiry} MiB)\n\n`);
  results['soak'] = result;
}

await writeFile('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write('wrote bench/results.json\n');
