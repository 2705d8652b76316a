import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runSuite, type SuiteOptions } from '../../../harness/runner/suite.ts';
import type { ScenarioResult, SuiteResult } from '../../../harness/report/result.ts';

/** Writes scenario files (path -> YAML) into a fresh temporary directory. */
export async function scenarioDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mockidp-scenarios-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** Runs the given scenario files with the embedded reference components (or the options' targets). */
export async function runScenarios(files: Record<string, string>, options: Omit<SuiteOptions, 'paths'> = {}): Promise<SuiteResult> {
  const dir = await scenarioDir(files);
  return runSuite({ paths: [dir], ...options });
}

/** The result of the scenario with this name (fails loudly when absent). */
export function scenario(result: SuiteResult, name: string): ScenarioResult {
  const found = result.scenarios.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no scenario named "${name}"; ran: ${result.scenarios.map((s) => s.name).join(' | ')}`);
  return found;
}

/** The authenticator turns a fresh code into claims (a scenario for launcher and runner tests). */
export const AUTHENTICATOR_LOGIN = `
name: the authenticator turns a code into claims
target: authenticator
steps:
  - login: { user: alice }
  - call: authenticator.login
    expect: { status: 200, json: { claims: { sub: alice } } }
`;

/** The authenticator refuses a replayed code (caught flaw: accept-reused-code). */
export const AUTHENTICATOR_REPLAY = `
name: the authenticator refuses a replayed code
target: authenticator
steps:
  - login: { user: bob }
  - call: authenticator.login
    expect: { status: 200 }
  - call: authenticator.login
    expect: { status: 401 }
`;

export { freePort } from '../../support/relying-party-app.ts';
