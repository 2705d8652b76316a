/*
 * The long fuzz run (`npm run fuzz`): the fuzzers of test/hardening/fuzz-requests.test.ts, seeded,
 * for many more requests. It prints requests per second, the answers by status and each distinct
 * failure (a 5xx, an admin GET or the dashboard no longer answering 2xx, memory past its bound),
 * checks the invariants after every round, and exits 1 when anything failed.
 *
 *   npm run fuzz                       120 000 requests, seed 20261201
 *   npm run fuzz -- --requests 500000 --seed 7 --concurrency 32
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { checkInvariants, MEMORY_BOUND_MIB } from './invariants.ts';
import { adminRequest, protocolRequest } from './requests.ts';
import { FuzzWorld, type FuzzRequest } from './world.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '120000' },
    seed: { type: 'string', default: '20261201' },
    concurrency: { type: 'string', default: '16' },
    round: { type: 'string', default: '10000' },
  },
});
const total = Number(values.requests);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
const roundSize = Number(values.round);

const world = await FuzzWorld.start();
const ownHost = new URL(world.idp.url).host;
// One request in six goes to the admin API, the rest to the protocol endpoints, pages and components.
const mixed = fc.oneof({ arbitrary: protocolRequest(ownHost), weight: 5 }, { arbitrary: adminRequest(ownHost), weight: 1 });
const broken = new Set<string>();
const started = performance.now();
let sent = 0;
let peakRss = 0;

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

function histogram(): string {
  return [...world.statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status === 0 ? 'refused' : status}:${count}`)
    .join(' ');
}

line(`fuzzing ${world.idp.url} and 3 components: ${total} requests, seed ${seed}, concurrency ${concurrency}, memory bound ${MEMORY_BOUND_MIB} MiB`);
for (let round = 0; sent < total; round += 1) {
  const size = Math.min(roundSize, total - sent);
  const batch: FuzzRequest[] = fc.sample(mixed, { seed: seed + round, numRuns: size });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batch.length) {
        const request = batch[next++]!;
        await world.send(request);
      }
    }),
  );
  sent += size;
  const report = await checkInvariants(world);
  peakRss = Math.max(peakRss, report.rssMiB);
  for (const problem of report.broken) {
    if (!broken.has(problem)) line(`  FAILURE ${problem}`);
    broken.add(problem);
  }
  const seconds = (performance.now() - started) / 1000;
  line(
    `round ${round + 1}: ${sent} requests in ${seconds.toFixed(0)} s (${(sent / seconds).toFixed(0)} requests/s), rss ${report.rssMiB} MiB, distinct failures ${broken.size}; answers ${histogram()}`,
  );
}

const seconds = (performance.now() - started) / 1000;
const fiveHundreds = [...world.statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
line('');
line(
  `requests: ${world.requests} answered (+ ${sent - world.requests} the client refused to send) in ${seconds.toFixed(1)} s: ${(sent / seconds).toFixed(0)} requests/s`,
);
line(`5xx answers: ${fiveHundreds}; distinct failures: ${broken.size}; peak rss ${peakRss} MiB (bound ${MEMORY_BOUND_MIB} MiB)`);
for (const failure of world.failures.values())
  line(
    `  ${failure.status} ${failure.request.server} ${failure.request.method} ${failure.request.path.slice(0, 200)}\n    headers ${JSON.stringify(failure.request.headers).slice(0, 400)}\n    body ${String(failure.request.body ?? '').slice(0, 200)}\n    answer ${failure.body.slice(0, 200)}`,
  );
await world.close();
process.exit(broken.size === 0 ? 0 : 1);
