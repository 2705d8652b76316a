import autocannon from 'autocannon';
import { spawnServer } from './spawn-server.ts';

export interface TokenRate {
  server: string;
  alg: string;
  tokensPerSecond: number;
  errors: number;
  p99Ms: number;
}

export const TOKEN_SERVERS: Record<string, string> = {
  'node:http + jose (ceiling)': 'bench/servers/ceiling.ts',
  mockidp: 'bench/servers/mockidp.ts',
  'bare oidc-provider': 'bench/servers/bare-oidc-provider.mjs',
  'oauth2-mock-server': 'bench/servers/oauth2-mock-server.mjs',
};

/** The client_credentials request every bench server answers (the client `service` of bench/servers/). */
export const TOKEN_REQUEST = {
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('service:service-secret').toString('base64')}` },
  body: 'grant_type=client_credentials',
};

/** client_credentials requests for `seconds`: as fast as `connections` allow, or at `overallRate` requests a second. */
export function load(url: string, seconds: number, connections: number, overallRate?: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration: seconds,
        ...(overallRate === undefined ? {} : { overallRate }),
        ...TOKEN_REQUEST,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** client_credentials tokens per second at the given concurrency, after a short warm-up. */
async function measureTokenRate(
  name: string,
  script: string,
  alg: string,
  options: { seconds: number; connections: number; args?: string[] },
): Promise<TokenRate> {
  const server = await spawnServer(script, [alg, ...(options.args ?? [])]);
  try {
    await load(server.tokenUrl, 1, options.connections);
    const result = await load(server.tokenUrl, options.seconds, options.connections);
    const ok = result['2xx'];
    return {
      server: name,
      alg,
      tokensPerSecond: Math.round(ok / options.seconds),
      errors: result.non2xx + result.errors + result.timeouts,
      p99Ms: result.latency.p99,
    };
  } finally {
    await server.stop();
  }
}

export interface TokenComparison {
  alg: string;
  server: string;
  /** Median tokens/s over the rounds. */
  tokensPerSecond: number;
  p99Ms: number;
  errors: number;
  /** Median over the rounds of mockidp's rate divided by this server's rate in the same round. */
  mockidpRatio: number;
  rounds: number[];
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Every server and algorithm once per round, for `rounds` rounds: a burst of load on the machine then falls on
 * one round of every server rather than on all rounds of one, and each ratio compares runs minutes apart at most.
 */
export async function compareTokenRates(options: {
  seconds: number;
  connections: number;
  rounds: number;
  algs: string[];
  onRate?: (rate: TokenRate, round: number) => void;
}): Promise<TokenComparison[]> {
  const samples = new Map<string, TokenRate[]>();
  for (let round = 0; round < options.rounds; round += 1) {
    for (const alg of options.algs) {
      for (const [name, script] of Object.entries(TOKEN_SERVERS)) {
        const rate = await measureTokenRate(name, script, alg, options);
        options.onRate?.(rate, round);
        samples.set(`${alg}\n${name}`, [...(samples.get(`${alg}\n${name}`) ?? []), rate]);
      }
    }
  }
  return [...samples].map(([key, rates]) => {
    const [alg, server] = key.split('\n') as [string, string];
    const ours = samples.get(`${alg}\nmockidp`)!;
    return {
      alg,
      server,
      tokensPerSecond: Math.round(median(rates.map((rate) => rate.tokensPerSecond))),
      p99Ms: median(rates.map((rate) => rate.p99Ms)),
      errors: rates.reduce((sum, rate) => sum + rate.errors, 0),
      mockidpRatio: Number(median(rates.map((rate, round) => ours[round]!.tokensPerSecond / rate.tokensPerSecond)).toFixed(2)),
      rounds: rates.map((rate) => rate.tokensPerSecond),
    };
  });
}

export interface TenantScaling {
  tenants: number;
  tokensPerSecond: number;
  p99Ms: number;
  errors: number;
  /** This rate divided by the rate with one tenant. */
  ratioToOne: number;
}

/** mockidp's token rate on one tenant while 0, 99 or 999 other tenants sit idle in the same server. */
export async function measureTenantScaling(options: {
  seconds: number;
  connections: number;
  rounds: number;
  counts: number[];
  alg: string;
}): Promise<TenantScaling[]> {
  const samples = new Map<number, TokenRate[]>(options.counts.map((count) => [count, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    for (const count of options.counts) {
      samples
        .get(count)!
        .push(await measureTokenRate(`mockidp, ${count} tenants`, TOKEN_SERVERS['mockidp']!, options.alg, { ...options, args: ['--tenants', String(count)] }));
    }
  }
  const one = samples.get(options.counts[0]!)!;
  return options.counts.map((count) => {
    const rates = samples.get(count)!;
    return {
      tenants: count,
      tokensPerSecond: Math.round(median(rates.map((rate) => rate.tokensPerSecond))),
      p99Ms: median(rates.map((rate) => rate.p99Ms)),
      errors: rates.reduce((sum, rate) => sum + rate.errors, 0),
      ratioToOne: Number(median(rates.map((rate, round) => rate.tokensPerSecond / one[round]!.tokensPerSecond)).toFixed(2)),
    };
  });
}
