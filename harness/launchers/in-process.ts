import type { RequestListener, Server } from 'node:http';
import type Koa from 'koa';
import request from 'supertest';
import {
  createAuthenticatorApp,
  createBearerApiApp,
  createStsApp,
  FLAWS,
  runDeviceCli,
  startAuthenticator,
  type ComponentName,
  type RunningComponent,
} from '../../components/index.ts';
import { listen } from '../../components/server/listen.ts';
import { createWebRpApp } from '../../fixtures/web-rp/app.ts';
import { toHttpResult } from '../runner/http.ts';
import { encodeRequest, type HttpRequestSpec, type HttpResult } from '../runner/http.ts';
import type { EmbeddedSpec } from '../targets/target.ts';
import type { CommandIo, CommandResult, TargetConnection } from '../targets/session.ts';
import { componentOfFlaw } from '../flaws/components.ts';
import { LaunchError, type Launcher } from './launcher.ts';

/*
 * The embedded default: the reference components of components/ (and the fixture web app),
 * built in this process for each scenario and driven through supertest. This is the only harness
 * code that imports components/.
 */

function flawFor(spec: EmbeddedSpec, component: ComponentName): { flaw?: never } | Record<string, string> {
  return spec.flaw !== undefined && componentOfFlaw(spec.flaw) === component ? { flaw: spec.flaw } : {};
}

type Served = RunningComponent;

/** An in-process target on a free loopback port, served like the components serve themselves. */
function serve(handler: RequestListener): Promise<Served> {
  return listen(handler, {}, 'in-process target');
}

/** One request through supertest, answered whatever the status (no redirects followed). */
async function viaSupertest(server: Server, spec: HttpRequestSpec, signal: AbortSignal): Promise<HttpResult> {
  const { method, headers, body } = encodeRequest(spec);
  const agent = request(server) as unknown as Record<string, (path: string) => request.Test>;
  const make = agent[method.toLowerCase()];
  if (!make) throw new Error(`supertest cannot send ${method}`);
  let test = make
    .call(agent, spec.url)
    .ok(() => true)
    .redirects(0);
  for (const [name, value] of Object.entries(headers)) test = test.set(name, value);
  test = test.buffer(true).parse((response, done) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (text += chunk));
    response.on('end', () => done(null, text));
  });
  if (body !== undefined) test = test.send(body);
  const abort = () => test.abort();
  signal.addEventListener('abort', abort, { once: true });
  try {
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    const response = await test;
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers as Record<string, string | string[]>))
      responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    const text = typeof response.body === 'string' ? response.body : (response.text ?? '');
    return toHttpResult(response.status, responseHeaders, text);
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

function appConnection(served: Served, describe: string, extra: Array<() => Promise<void>> = []): TargetConnection {
  return {
    url: served.url,
    request: (spec, signal) => viaSupertest(served.server, spec, signal),
    describe,
    async close() {
      await served.close();
      await Promise.all(extra.map((close) => close()));
    },
  };
}

function deviceCliConnection(spec: EmbeddedSpec): TargetConnection {
  const flaw = flawFor(spec, 'device-cli') as { flaw?: 'ignore-slow-down' | 'world-readable-session' };
  return {
    url: undefined,
    describe: 'reference device CLI (in-process)',
    async run(args: string[], io: CommandIo): Promise<CommandResult> {
      let stdout = '';
      let stderr = '';
      let offsetMs = 0;
      const exit = await runDeviceCli(args, {
        stdout: {
          write: (text: string) => {
            stdout += text;
            io.onStdout?.(text);
          },
        },
        stderr: {
          write: (text: string) => {
            stderr += text;
            io.onStderr?.(text);
          },
        },
        env: {},
        now: () => Date.now() + offsetMs,
        sleep: async (ms: number) => {
          if (io.signal.aborted) throw new Error('aborted');
          offsetMs += ms;
          await io.onWait?.(ms);
        },
        ...flaw,
      });
      return { exit, stdout, stderr };
    },
    async close() {},
  };
}

export const inProcessLauncher: Launcher = {
  name: 'in-process',
  summary: 'The reference component built in this process for each scenario (an exported Koa app driven with supertest).',
  async launch({ embedded }) {
    if (!embedded) throw new LaunchError('the in-process launcher needs an embedded component');
    const options = embedded.options;
    const build = (factory: () => Koa, name: string) => {
      let app: Koa;
      try {
        app = factory();
      } catch (error) {
        throw new LaunchError(`the reference ${name} refused its options: ${(error as Error).message}`);
      }
      return serve(app.callback());
    };
    switch (embedded.component) {
      case 'authenticator':
        return appConnection(
          await build(() => createAuthenticatorApp({ ...options, ...flawFor(embedded, 'authenticator') } as never), 'authenticator'),
          'reference authenticator (in-process)',
        );
      case 'sts':
        return appConnection(await build(() => createStsApp({ ...options, ...flawFor(embedded, 'sts') } as never), 'sts'), 'reference STS (in-process)');
      case 'bearer-api':
        return appConnection(
          await build(() => createBearerApiApp({ ...options, ...flawFor(embedded, 'bearer-api') } as never), 'bearer API'),
          'reference bearer API (in-process)',
        );
      case 'lakefs-sts': {
        const authenticator = await startAuthenticator({ ...(options['authenticator'] as object), ...flawFor(embedded, 'authenticator') } as never).catch(
          (error: Error) => {
            throw new LaunchError(`the reference authenticator behind lakeFS refused its options: ${error.message}`);
          },
        );
        const sts = await build(
          () => createStsApp({ ...(options['sts'] as object), authenticatorUrl: `${authenticator.url}/api/v1`, ...flawFor(embedded, 'sts') } as never),
          'sts',
        ).catch(async (error: Error) => {
          await authenticator.close();
          throw error;
        });
        return appConnection(sts, 'reference STS + authenticator (in-process)', [() => authenticator.close()]);
      }
      case 'web-rp': {
        let handler: ReturnType<Koa['callback']> | undefined;
        const served = await serve((req, res) => void handler!(req, res));
        handler = createWebRpApp({ ...(options as { issuer: string; clientId: string; clientSecret: string }), baseUrl: served.url }).callback();
        return appConnection(served, 'reference web app (in-process)');
      }
      case 'device-cli':
        return deviceCliConnection(embedded);
      default:
        throw new LaunchError(`no reference component "${String((embedded as EmbeddedSpec).component)}"`);
    }
  },
};
