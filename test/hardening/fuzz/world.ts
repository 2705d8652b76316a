import { Agent, type ClientRequest, request } from 'node:http';
import { startMockIdp, type MockIdp, type MockIdpConfigInput } from '../../../mock-idp/index.ts';
import { startAuthenticator, startBearerApi, startSts, type RunningComponent } from '../../../components/index.ts';

/*
 * What the fuzzers send requests to: one IdP (plain, Google-like and Entra-like tenants that take
 * protocol traffic, and a "fuzz" tenant that only the admin fuzzer changes, so that fault rules it
 * adds never answer a protocol request) and the reference components in front of it. Every answer
 * is counted; a 5xx is kept with the request that caused it.
 */

export interface FuzzRequest {
  /** Which server: the IdP, or a component. */
  server: 'idp' | 'authenticator' | 'sts' | 'bearer-api';
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string | undefined;
}

export interface Failure {
  status: number;
  request: FuzzRequest;
  body: string;
}

export const PROTOCOL_TENANTS = ['default', 'google', 'entra'] as const;
export const ADMIN_TENANT = 'fuzz';

const users = { alice: { groups: ['admins'] }, bob: {} };
const clients = {
  demo: { redirectUris: ['http://127.0.0.1:8080/callback'], grants: ['authorization_code', 'refresh_token'] as const },
  service: { secret: 'service-secret', grants: ['client_credentials'] as const },
  cli: { grants: ['device_code', 'refresh_token'] as const },
};

export const FUZZ_CONFIG: MockIdpConfigInput = {
  // FUZZ_LOG=1 shows the IdP's log (the stack of a 5xx).
  server: { logLevel: process.env['FUZZ_LOG'] === '1' ? 'info' : 'silent', journalLimit: 10_000 },
  tenants: {
    default: { keys: [{ alg: 'ES256' }], users, clients: clients as never },
    google: { profile: 'google', keys: [{ alg: 'RS256' }], users, clients: clients as never },
    entra: { profile: 'entra', keys: [{ alg: 'RS256' }], users, clients: clients as never },
    [ADMIN_TENANT]: { keys: [{ alg: 'ES256' }], users, clients: clients as never },
  },
};

export class FuzzWorld {
  readonly idp: MockIdp;
  readonly components: Record<'authenticator' | 'sts' | 'bearer-api', RunningComponent>;
  readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  requests = 0;
  readonly statuses = new Map<number, number>();
  /** 5xx answers by a short signature (server, method, path shape, status), first request kept. */
  readonly failures = new Map<string, Failure>();

  private constructor(idp: MockIdp, components: FuzzWorld['components']) {
    this.idp = idp;
    this.components = components;
  }

  static async start(config: MockIdpConfigInput = FUZZ_CONFIG): Promise<FuzzWorld> {
    const idp = await startMockIdp(config);
    const issuer = idp.issuer('default');
    const [authenticator, sts, api] = await Promise.all([
      startAuthenticator({ issuer, clientId: 'demo', logLevel: 'silent' }),
      startSts({ issuer, clientIds: ['demo', 'service'], logLevel: 'silent' }),
      startBearerApi({ issuer, audiences: ['api://fuzz'], roleMapping: { mode: 'converge', map: { admins: 'admin' } }, logLevel: 'silent' }),
    ]);
    return new FuzzWorld(idp, { authenticator, sts, 'bearer-api': api });
  }

  urlOf(server: FuzzRequest['server']): string {
    return server === 'idp' ? this.idp.url : this.components[server].url;
  }

  /** Sends a request as is (any Host, any header), and records the answer. */
  send(fuzz: FuzzRequest): Promise<{ status: number; body: string }> {
    const base = new URL(this.urlOf(fuzz.server));
    return new Promise((resolve) => {
      const finish = (status: number, body: string) => {
        this.requests += 1;
        this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
        if (status >= 500) {
          const key = `${fuzz.server} ${fuzz.method} ${fuzz.path.split('?')[0]!.replace(/[^/]{24,}/g, '…')} ${status}`;
          if (!this.failures.has(key)) this.failures.set(key, { status, request: fuzz, body: body.slice(0, 500) });
        }
        resolve({ status, body });
      };
      let req: ClientRequest;
      try {
        req = request(
          { host: base.hostname, port: base.port, method: fuzz.method, path: fuzz.path, headers: fuzz.headers, agent: this.agent, timeout: 20_000 },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
            res.on('error', () => finish(res.statusCode ?? 0, ''));
          },
        );
      } catch {
        // Node itself refuses to send this request (an invalid header or path): nothing reached a server.
        resolve({ status: 0, body: '' });
        return;
      }
      req.on('timeout', () => req.destroy(new Error('timeout')));
      // A connection the server closes (a request its HTTP parser refuses) is not an answer; 599 marks a hang.
      req.on('error', (error) => (error.message === 'timeout' ? finish(599, 'no answer within 20 s') : resolve({ status: 0, body: '' })));
      req.end(fuzz.body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await Promise.all([this.idp.close(), ...Object.values(this.components).map((component) => component.close())]);
  }
}
