import type { RequestListener, Server } from 'node:http';
import type Koa from 'koa';
import request from 'supertest';
import type { z } from 'zod';
import { formatPath, zodProblems } from '../../common/problems.ts';
import {
  authenticatorOptionsSchema,
  bearerApiOptionsSchema,
  type ComponentName,
  type FlawName,
  FLAWS,
  type RunningComponent,
  runDeviceCli,
  startAuthenticator,
  startBearerApi,
  startSts,
  stsOptionsSchema,
} from '../../components/index.ts';
import { listen } from '../../components/server/listen.ts';
import { createWebRpApp } from '../../fixtures/web-rp/app.ts';
import { encodeRequest, type HttpRequestSpec, type HttpResult, toHttpResult } from '../runner/http.ts';
import type { CommandIo, CommandResult, TargetConnection } from '../targets/session.ts';
import type { EmbeddedSpec } from '../targets/target.ts';
import { LaunchError, type Launcher } from './launcher.ts';

/*
 * The embedded default: the reference components of components/ (and the fixture web app), started
 * in this process for each scenario on a free loopback port and driven through supertest. The
 * options a target gives a component are parsed with the component's own schema here, at the
 * boundary (a bad one fails the launch, naming the field). The CLI (cli/component.ts) and the flaw
 * lookups (flaws/) use components/ too.
 */

/** The spec's flaw when it belongs to this component (a lakeFS target's flaw goes to its authenticator or its STS). */
function flawOf(spec: EmbeddedSpec, component: ComponentName): { flaw?: FlawName } {
  const flaw = FLAWS.find((candidate) => candidate.name === spec.flaw && candidate.component === component)?.name;
  return flaw === undefined ? {} : { flaw };
}

/** A component's options, parsed with its schema. */
function optionsFor<S extends z.ZodObject>(schema: S, component: string, options: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = zodProblems(parsed.error).map(({ path, message }) => `${formatPath(path)}: ${message}`);
  throw new LaunchError(`the reference ${component} refused its options: ${problems.join('; ')}`);
}

/** An object option of a target made of two components (lakefs-sts: authenticator and sts). */
function part(options: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = options[name];
  return value && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
}

/** The fixture web app on a free loopback port, served as the components serve themselves. */
function serve(handler: RequestListener): Promise<RunningComponent> {
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

function appConnection(served: RunningComponent, describe: string, extra: Array<() => Promise<void>> = []): TargetConnection {
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
  const flaw = flawOf(spec, 'device-cli');
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
  summary: 'The reference component started in this process for each scenario (an exported Koa app driven with supertest).',
  async launch({ embedded }) {
    if (!embedded) throw new LaunchError('the in-process launcher needs an embedded component');
    switch (embedded.component) {
      case 'authenticator': {
        const options = optionsFor(authenticatorOptionsSchema, 'authenticator', { ...embedded.options, ...flawOf(embedded, 'authenticator') });
        return appConnection(await startAuthenticator(options), 'reference authenticator (in-process)');
      }
      case 'sts': {
        const options = optionsFor(stsOptionsSchema, 'sts', { ...embedded.options, ...flawOf(embedded, 'sts') });
        return appConnection(await startSts(options), 'reference STS (in-process)');
      }
      case 'bearer-api': {
        const options = optionsFor(bearerApiOptionsSchema, 'bearer API', { ...embedded.options, ...flawOf(embedded, 'bearer-api') });
        return appConnection(await startBearerApi(options), 'reference bearer API (in-process)');
      }
      case 'lakefs-sts': {
        const authenticatorOptions = optionsFor(authenticatorOptionsSchema, 'authenticator behind lakeFS', {
          ...part(embedded.options, 'authenticator'),
          ...flawOf(embedded, 'authenticator'),
        });
        const authenticator = await startAuthenticator(authenticatorOptions);
        try {
          const options = optionsFor(stsOptionsSchema, 'sts', {
            ...part(embedded.options, 'sts'),
            authenticatorUrl: `${authenticator.url}/api/v1`,
            ...flawOf(embedded, 'sts'),
          });
          return appConnection(await startSts(options), 'reference STS + authenticator (in-process)', [() => authenticator.close()]);
        } catch (error) {
          await authenticator.close();
          throw error;
        }
      }
      case 'web-rp': {
        let handler: ReturnType<Koa['callback']> | undefined;
        const served = await serve((req, res) => void handler!(req, res));
        handler = createWebRpApp({ ...embedded.options, baseUrl: served.url }).callback();
        return appConnection(served, 'reference web app (in-process)');
      }
      case 'device-cli':
        return deviceCliConnection(embedded);
    }
  },
};
