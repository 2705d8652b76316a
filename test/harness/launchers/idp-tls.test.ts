import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTHENTICATOR_LOGIN as LOGIN, AUTHENTICATOR_REPLAY as REPLAY, freePort, runScenarios } from '../support/scenarios.ts';

const MOCKIDP = fileURLToPath(new URL('../../../harness/cli/bin.ts', import.meta.url));
const NODE = process.execPath;
const folders: string[] = [];
afterAll(() => Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true }))));

async function caDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mockidp-run-tls-'));
  folders.push(dir);
  return dir;
}

describe('run --idp-tls', () => {
  it("serves the suite's IdP over https, and the embedded reference components are judged against it", async () => {
    const result = await runScenarios({ 'login.yaml': LOGIN, 'replay.yaml': REPLAY }, { idpTls: { caDir: await caDir() } });
    expect(result.idp.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(result.scenarios.map((entry) => [entry.name, entry.status, entry.failure?.message])).toEqual([
      ['the authenticator turns a code into claims', 'passed', undefined],
      ['the authenticator refuses a replayed code', 'passed', undefined],
    ]);
  });

  it('gives a target it starts the CA through NODE_EXTRA_CA_CERTS', async () => {
    const command = `${NODE} ${MOCKIDP} component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port}`;
    const result = await runScenarios(
      { 'login.yaml': LOGIN },
      { targets: [{ name: 'authenticator', command }], idpPort: await freePort(), idpTls: { caDir: await caDir() } },
    );
    expect(result.scenarios.map((entry) => [entry.status, entry.failure?.message])).toEqual([['passed', undefined]]);
  });

  it('fills {ca_file} with the CA file, which the reference component takes as --ca-file', async () => {
    const command = `env -u NODE_EXTRA_CA_CERTS -u MOCKIDP_CA_FILE ${NODE} ${MOCKIDP} component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port} --ca-file {ca_file}`;
    const result = await runScenarios(
      { 'login.yaml': LOGIN },
      { targets: [{ name: 'authenticator', command }], idpPort: await freePort(), idpTls: { caDir: await caDir() } },
    );
    expect(result.scenarios.map((entry) => [entry.status, entry.failure?.message])).toEqual([['passed', undefined]]);
  });

  it('gives {ca_file} to an instance of its own as well (a scenario with a provider profile)', async () => {
    const command = `env -u NODE_EXTRA_CA_CERTS -u MOCKIDP_CA_FILE ${NODE} ${MOCKIDP} component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port} --ca-file {ca_file}`;
    const google = LOGIN.replace('target: authenticator', 'target: authenticator\nidp: { profile: google }')
      .replace('turns a code into claims', 'logs in at a Google-shaped IdP')
      .replace('claims: { sub: alice }', 'claims: { sub: { type: string } }');
    const result = await runScenarios(
      { 'google.yaml': google },
      { targets: [{ name: 'authenticator', command }], idpPort: await freePort(), idpTls: { caDir: await caDir() } },
    );
    expect(result.scenarios.map((entry) => [entry.status, entry.failure?.message])).toEqual([['passed', undefined]]);
    expect(result.scenarios[0]?.targetDescription).toMatch(/--issuer https:\/\/127\.0\.0\.1:\d+\/h[0-9a-f]+-\d+ /);
  });

  it('without the CA, a target started by command cannot use the https IdP (the CA is what makes it work)', async () => {
    const command = `env -u NODE_EXTRA_CA_CERTS -u MOCKIDP_CA_FILE ${NODE} ${MOCKIDP} component authenticator --issuer {issuer} --client-id {client_id} --client-secret {client_secret} --port {port}`;
    const result = await runScenarios(
      { 'login.yaml': LOGIN },
      { targets: [{ name: 'authenticator', command }], idpPort: await freePort(), idpTls: { caDir: await caDir() } },
    );
    expect(result.scenarios[0]?.status).toBe('failed');
    expect(JSON.stringify(result.scenarios[0])).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});
