import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { browserlessLogin } from '../harness/actors/browserless-login.ts';
import { BASELINE_LABEL, baselineCheckout } from './baseline.ts';
import { spawnServer } from './spawn-server.ts';
import { median } from './token.ts';
import { canMeasureTokenCpu, cpuMicros } from './token-cpu.ts';

/*
 * Whole-flow rates against the mock IdP in its own process: a full headless login (authorize,
 * interaction, login, consent, callback, code redemption with PKCE) per iteration, and refresh
 * token redemptions with rotation. Each of `connections` workers loops for `seconds`. The same scripted client drives
 * every server: ours, a bare oidc-provider with the same login, and the 2026-11-24 code (the rate issue #20 starts from).
 */

interface FlowRate {
  flow: string;
  perSecond: number;
  errors: number;
  p99Ms: number;
  /** CPU of the server's process (all its threads) per flow, where /proc tells it (Linux). */
  serverCpuMs?: number;
  /** CPU of the scripted users (this process) per flow. */
  clientCpuMs: number;
}

/** CPU time (user + system) a process has used so far, in ms, where /proc tells it (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  return pid !== undefined && canMeasureTokenCpu() ? cpuMicros(pid).process / 1000 : undefined;
}

/** Runs `measure`, and reports the server's and this process's CPU per counted flow beside its count. */
async function withCpu<T extends { count: number }>(
  pid: number | undefined,
  measure: () => Promise<T>,
): Promise<T & { serverCpuMs?: number; clientCpuMs: number }> {
  const serverBefore = processCpuMs(pid);
  const clientBefore = process.cpuUsage();
  const result = await measure();
  const client = process.cpuUsage(clientBefore);
  const serverAfter = processCpuMs(pid);
  const per = (ms: number) => Number((ms / Math.max(result.count, 1)).toFixed(2));
  return {
    ...result,
    clientCpuMs: per((client.user + client.system) / 1000),
    ...(serverBefore === undefined || serverAfter === undefined ? {} : { serverCpuMs: per(serverAfter - serverBefore) }),
  };
}

const REDIRECT_URI = 'http://127.0.0.1:8080/callback';

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function login(issuer: string, tokenUrl: string, username: string): Promise<{ refresh_token: string }> {
  const { verifier, challenge } = pkce();
  const authorizationUrl = `${issuer}/auth?${new URLSearchParams({ client_id: 'demo', response_type: 'code', scope: 'openid offline_access', redirect_uri: REDIRECT_URI, code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent', state: randomBytes(8).toString('hex') })}`;
  const { params } = await browserlessLogin({ authorizationUrl, redirectUri: REDIRECT_URI, username });
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code')!,
      redirect_uri: REDIRECT_URI,
      client_id: 'demo',
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return (await response.json()) as { refresh_token: string };
}

async function refresh(tokenUrl: string, refreshToken: string): Promise<string> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo' }),
  });
  if (!response.ok) throw new Error(`refresh answered ${response.status}`);
  return ((await response.json()) as { refresh_token: string }).refresh_token;
}

async function loop(
  seconds: number,
  connections: number,
  setup: (worker: number) => Promise<unknown>,
  once: (state: unknown) => Promise<unknown>,
): Promise<{ count: number; errors: number; latencies: number[] }> {
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      let state = await setup(worker);
      while (performance.now() < deadline) {
        const started = performance.now();
        try {
          state = (await once(state)) ?? state;
          latencies.push(performance.now() - started);
        } catch {
          errors += 1;
          state = await setup(worker);
        }
      }
    }),
  );
  return { count: latencies.length, errors, latencies };
}

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length * 0.99)] ?? 0);
}

const FLOW_SERVERS: Record<string, string> = {
  mockidp: 'bench/servers/mockidp-default.ts',
  'bare oidc-provider + headless login': 'bench/servers/bare-oidc-provider-login.ts',
};

/** The servers to compare: ours, a bare oidc-provider, and the 2026-11-24 code's own bench server when it can be run. */
async function flowServers(note: (line: string) => void): Promise<Record<string, string>> {
  const checkout = await baselineCheckout();
  if (typeof checkout === 'string') {
    note(checkout);
    return FLOW_SERVERS;
  }
  return { ...FLOW_SERVERS, [BASELINE_LABEL]: join(checkout.dir, 'bench/servers/mockidp-default.ts') };
}

/** Login and refresh rates of one server (its default tenant, or the root issuer of the bare provider). */
async function measureFlowRates(script: string, options: { seconds: number; connections: number }): Promise<FlowRate[]> {
  const server = await spawnServer(script);
  const issuer = server.discoveryUrl.replace('/.well-known/openid-configuration', '');
  try {
    const users = ['alice', 'bob'];
    await loop(
      1,
      options.connections,
      async () => undefined,
      () => login(issuer, server.tokenUrl, 'alice'),
    );
    const logins = await withCpu(server.child.pid, () =>
      loop(
        options.seconds,
        options.connections,
        async () => undefined,
        () => login(issuer, server.tokenUrl, users[Math.floor(Math.random() * users.length)]!),
      ),
    );
    const refreshes = await withCpu(server.child.pid, () =>
      loop(
        options.seconds,
        options.connections,
        async (worker) => (await login(issuer, server.tokenUrl, users[worker % users.length]!)).refresh_token,
        (token) => refresh(server.tokenUrl, token as string),
      ),
    );
    const cpu = (measured: typeof logins) => ({
      clientCpuMs: measured.clientCpuMs,
      ...(measured.serverCpuMs === undefined ? {} : { serverCpuMs: measured.serverCpuMs }),
    });
    return [
      {
        flow: 'headless login (auth code + PKCE, 6 requests)',
        perSecond: Math.round(logins.count / options.seconds),
        errors: logins.errors,
        p99Ms: p99(logins.latencies),
        ...cpu(logins),
      },
      {
        flow: 'refresh (rotation)',
        perSecond: Math.round(refreshes.count / options.seconds),
        errors: refreshes.errors,
        p99Ms: p99(refreshes.latencies),
        ...cpu(refreshes),
      },
    ];
  } finally {
    await server.stop();
  }
}

export interface FlowComparison extends FlowRate {
  server: string;
  /** Median over the rounds of mockidp's rate divided by this server's rate in the same round. */
  mockidpRatio: number;
}

/** Each flow server once per round, round robin, with mockidp's rate as a ratio to each. `note` hears why the 2026-11-24 code is left out, when it is. */
export async function compareFlowRates(
  options: { seconds: number; connections: number; rounds: number },
  note: (line: string) => void = () => undefined,
): Promise<FlowComparison[]> {
  const servers = await flowServers(note);
  const samples = new Map<string, FlowRate[][]>(Object.keys(servers).map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [name, script] of Object.entries(servers)) samples.get(name)!.push(await measureFlowRates(script, options));
  }
  const ours = samples.get('mockidp')!;
  return [...samples].flatMap(([server, rounds]) =>
    rounds[0]!.map((first, index) => {
      const rates = rounds.map((round) => round[index]!);
      return {
        server,
        flow: first.flow,
        perSecond: Math.round(median(rates.map((rate) => rate.perSecond))),
        p99Ms: median(rates.map((rate) => rate.p99Ms)),
        clientCpuMs: median(rates.map((rate) => rate.clientCpuMs)),
        ...(rates.every((rate) => rate.serverCpuMs !== undefined) ? { serverCpuMs: median(rates.map((rate) => rate.serverCpuMs!)) } : {}),
        errors: rates.reduce((sum, rate) => sum + rate.errors, 0),
        mockidpRatio: Number(median(rates.map((rate, round) => ours[round]![index]!.perSecond / rate.perSecond)).toFixed(2)),
      };
    }),
  );
}
