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
  'bare oidc-provider': 'bench/servers/bare-oidc-provider.ts',
  'oauth2-mock-server': 'bench/servers/oauth2-mock-server.ts',
};

function load(url: string, seconds: number, connections: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration: seconds,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('service:service-secret').toString('base64')}` },
        body: 'grant_type=client_credentials',
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** client_credentials tokens per second at the given concurrency, after a short warm-up. */
export async function measureTokenRate(name: string, script: string, alg: string, options: { seconds: number; connections: number }): Promise<TokenRate> {
  const server = await spawnServer(script, [alg]);
  try {
    await load(server.tokenUrl, 1, options.connections);
    const result = await load(server.tokenUrl, options.seconds, options.connections);
    const ok = result['2xx'];
    return { server: name, alg, tokensPerSecond: Math.round(ok / options.seconds), errors: result.non2xx + result.errors + result.timeouts, p99Ms: result.latency.p99 };
  } finally {
    await server.stop();
  }
}
