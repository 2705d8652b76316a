import { setTimeout as delay } from 'node:timers/promises';
import type { StartedTestContainer } from 'testcontainers';
import { sendHttp } from '../runner/http.ts';
import { lastLines, PLACEHOLDER, placeholders, targetEnvironment } from './launch-values.ts';
import { freePort } from '../../common/free-port.ts';
import { LaunchError, type Launcher } from './launcher.ts';
import { probe } from './url.ts';

/*
 * A target started from a container image with testcontainers, on the host network (the only
 * network this machine's Docker has, and the simplest way for the container to reach the suite's
 * IdP on 127.0.0.1). `--target-image NAME="IMAGE [ARG...]"`: the arguments replace the image's
 * command, with the same placeholders as the process launcher; the same values are in its
 * environment (MOCKIDP_ISSUER, MOCKIDP_CLIENT_ID, ..., PORT). Ready when its readiness path
 * answers on 127.0.0.1:PORT; a container that exits or never gets ready is reported with its
 * last log lines, and so is one that dies mid-run.
 */

const CONTAINER_CA = '/etc/mockidp/ca.pem';
const CONTAINER_CA_BUNDLE = '/etc/mockidp/bundle.pem';

function splitImageSpec(spec: string): { image: string; args: string[] } {
  const [image = '', ...args] = spec.trim().split(/\s+/);
  return { image, args };
}

export const containerLauncher: Launcher = {
  name: 'container',
  summary: 'A container image started with testcontainers on the host network (--target-image NAME="IMAGE [ARGS...]").',
  async launch(request) {
    const { kind, readyTimeoutMs } = request;
    const { image, args } = splitImageSpec(request.image ?? '');
    if (!image) throw new LaunchError(`the container launcher needs an image: --target-image ${kind.name}=IMAGE`);
    if (kind.shape === 'command')
      throw new LaunchError(
        `${kind.name} runs once per operation, which a long-running container does not fit: use --target-command ${kind.name}="docker run --rm --network host ${image}"`,
      );
    // testcontainers is an optional peer dependency: only container targets need it.
    const { GenericContainer } = await import('testcontainers').catch(() => {
      throw new LaunchError('the container launcher needs the testcontainers package: npm install --save-dev testcontainers');
    });
    const port = await freePort();
    // The CA files are copied into the container; its placeholders and environment name the copies.
    const ca = request.setup.ca;
    const values: Record<string, string> = { ...placeholders(request, port), ...(ca ? { ca_file: CONTAINER_CA, ca_bundle: CONTAINER_CA_BUNDLE } : {}) };
    const output: string[] = [];
    let exited = false;
    const container = new GenericContainer(image)
      .withNetworkMode('host')
      .withEnvironment(targetEnvironment(request, values))
      .withStartupTimeout(readyTimeoutMs)
      // The image's own HEALTHCHECK may be about another command of the image; readiness is probed below.
      .withHealthCheck({ test: ['NONE' as 'CMD'] })
      .withLogConsumer((stream) => {
        stream.on('data', (chunk: Buffer | string) => output.push(...String(chunk).split('\n').filter(Boolean)));
        stream.on('end', () => (exited = true));
      });
    if (ca)
      container.withCopyFilesToContainer([
        { source: ca.path, target: CONTAINER_CA },
        { source: ca.bundlePath, target: CONTAINER_CA_BUNDLE },
      ]);
    if (args.length > 0) container.withCommand(args.map((arg) => arg.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '')));
    const logs = () => lastLines(output.slice(-50).join('\n'));
    let started: StartedTestContainer;
    try {
      started = await container.start();
    } catch (error) {
      const message = (error as Error).message;
      if (/no such image|pull access denied|not found|manifest unknown/i.test(message))
        throw new LaunchError(`image "${image}" is not available: build or pull it first (${message.split('\n')[0]})`);
      throw new LaunchError(`the container ${image} did not start: ${message.split('\n')[0]}${logs()}`);
    }
    const url = `http://127.0.0.1:${port}`;
    const deadline = performance.now() + readyTimeoutMs;
    for (;;) {
      if (exited) {
        await started.stop({ timeout: 1_000 }).catch(() => undefined);
        throw new LaunchError(`the container ${image} exited before it was ready (it should listen on $PORT=${port})${logs()}`);
      }
      const problem = await probe(url, kind.readinessPath ?? '/', 1_000);
      if (problem === undefined || /answered/.test(problem)) break;
      if (performance.now() > deadline) {
        await started.stop({ timeout: 1_000 }).catch(() => undefined);
        throw new LaunchError(
          `the container ${image} was not ready after ${readyTimeoutMs} ms: nothing answered at ${url}${kind.readinessPath ?? '/'} (${problem}); it should listen on 127.0.0.1:$PORT${logs()}`,
        );
      }
      await delay(100);
    }
    return {
      url,
      request: (spec, signal) => sendHttp(`${url}${spec.url}`, spec, signal),
      describe: `${kind.name}: container ${image} (${started.getId().slice(0, 12)}) at ${url}`,
      async diagnose() {
        await delay(300);
        return exited ? `the container ${image} stopped${logs()}` : undefined;
      },
      async close() {
        await started.stop({ timeout: 2_000 }).catch(() => undefined);
      },
    };
  },
};
