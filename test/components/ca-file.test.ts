import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OptionsError, runDeviceCli, startAuthenticator } from '../../components/index.ts';
import { LAKEFS_SECRET, lakefsCode, startComponentIdp } from './support/idp.ts';
import { postJson } from './support/components.ts';

/*
 * The components' caFile option: an https IdP whose certificate comes from a private CA (here
 * mockidp's local CA). This file's process trusts nothing but the system CAs until an option says so.
 */

const caDir = await mkdtemp(join(tmpdir(), 'mockidp-component-ca-'));
afterAll(() => rm(caDir, { recursive: true, force: true }));
const idp = await startComponentIdp({}, { tls: { caDir } });

describe('caFile', () => {
  it('lets the authenticator redeem codes at an https IdP signed by that CA', async () => {
    const untrusted = await fetch(`${idp.issuer('default')}/.well-known/openid-configuration`).then(
      () => 'trusted',
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(untrusted).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const authenticator = await startAuthenticator({
      issuer: idp.issuer('default'),
      clientId: 'lakefs',
      clientSecret: LAKEFS_SECRET,
      caFile: idp.ca!.path,
      logLevel: 'silent',
    });
    try {
      const reply = await postJson(`${authenticator.url}/sts/login`, await lakefsCode(idp, { user: 'alice' }));
      expect(reply.status).toBe(200);
      expect(reply.body['claims']).toMatchObject({ sub: 'alice', iss: idp.issuer('default') });
    } finally {
      await authenticator.close();
    }
  });

  it('names the option when the file is missing or holds no certificate', async () => {
    const junk = join(caDir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    const options = { issuer: idp.issuer('default'), clientId: 'lakefs', logLevel: 'silent' as const };
    await expect(startAuthenticator({ ...options, caFile: join(caDir, 'missing.pem') })).rejects.toThrow(OptionsError);
    await expect(startAuthenticator({ ...options, caFile: join(caDir, 'missing.pem') })).rejects.toThrow(/caFile: cannot read .*missing\.pem: no such file/);
    await expect(startAuthenticator({ ...options, caFile: junk })).rejects.toThrow(/caFile: .*junk\.pem is not a PEM certificate file/);
  });

  it('is --ca-file of the device CLI, which exits with 2 and says why when the file is missing', async () => {
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: {
        write: (text: string) => {
          stderr += text;
          return true;
        },
      },
    };
    const code = await runDeviceCli(['login', '--issuer', idp.issuer('default'), '--client-id', 'cli', '--ca-file', join(caDir, 'nope.pem')], io as never);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--ca-file: cannot read .*nope\.pem: no such file/);
  });
});
