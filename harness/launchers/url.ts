import { sendHttp } from '../runner/http.ts';
import { describeNetworkError } from '../runner/network-error.ts';
import { LaunchError, type Launcher } from './launcher.ts';

/*
 * A target that is already running (your component, started by you or by CI): requests go to
 * its URL. Before the first scenario, one request checks that something answers there.
 */

export async function probe(url: string, path: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const result = await sendHttp(`${url}${path}`, { method: 'GET', url: path }, AbortSignal.timeout(timeoutMs));
    return result.status >= 500 ? `answered ${result.status} at ${path}` : undefined;
  } catch (error) {
    return describeNetworkError(error);
  }
}

export const urlLauncher: Launcher = {
  name: 'url',
  summary: 'A target that is already running at a URL (--target NAME=URL).',
  async launch({ url, kind, readyTimeoutMs }) {
    if (!url) throw new LaunchError(`the url launcher needs a URL: --target ${kind.name}=http://127.0.0.1:PORT`);
    let base: URL;
    try {
      base = new URL(url);
    } catch {
      throw new LaunchError(`"${url}" is not a URL: write --target ${kind.name}=http://127.0.0.1:PORT`);
    }
    const clean = base.toString().replace(/\/$/, '');
    if (kind.shape === 'command') throw new LaunchError(`${kind.name} is a command, not a server: use --target-command ${kind.name}="your command"`);
    const problem = await probe(clean, kind.readinessPath ?? '/', Math.min(readyTimeoutMs, 5_000));
    if (problem && !/answered/.test(problem))
      throw new LaunchError(`cannot reach the ${kind.name} at ${clean}: ${problem}. Is it running, and on this address?`);
    return {
      url: clean,
      request: (spec, signal) => sendHttp(`${clean}${spec.url}`, spec, signal),
      describe: `${kind.name} at ${clean}`,
      async close() {},
    };
  },
};
