import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createAuthenticatorApp, createBearerApiApp, createStsApp } from '../../components/index.ts';
import type { Logger } from '../../components/index.ts';
import { lakefsCode, startComponentIdp } from './support/idp.ts';
import { authenticatorOptions } from './support/components.ts';
import { assumeParams } from './support/sts.ts';

/* The create*App functions give Koa apps for in-process use: app.callback() with supertest. */

const idp = await startComponentIdp();
const issuer = idp.issuer('default');

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), debug: (m) => lines.push(m) };
}

describe('components in-process (supertest)', () => {
  it('serves a lakeFS login from createAuthenticatorApp().callback()', async () => {
    const app = createAuthenticatorApp(authenticatorOptions(idp));
    const reply = await request(app.callback())
      .post('/api/v1/sts/login')
      .send(await lakefsCode(idp, { user: 'bob' }));
    expect(reply.status).toBe(200);
    expect(reply.body.claims.sub).toBe('bob');
  });

  it('serves AssumeRoleWithWebIdentity from createStsApp().callback()', async () => {
    const app = createStsApp({ issuer, clientIds: ['sts-client'] });
    const { token } = await idp.admin.mint('default', { user: 'alice', client: 'sts-client' });
    const reply = await request(app.callback()).post('/').type('form').send(assumeParams(token));
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('<SubjectFromWebIdentityToken>alice</SubjectFromWebIdentityToken>');
  });

  it('serves GET /whoami from createBearerApiApp().callback()', async () => {
    const app = createBearerApiApp({ issuer, audiences: ['api://storage'], roleMapping: { mode: 'app', map: { service: 'reader' } } });
    const { token } = await idp.admin.mint('default', { type: 'access_token', client: 'service' });
    const reply = await request(app.callback()).get('/whoami').set('authorization', `Bearer ${token}`);
    expect(reply.body).toMatchObject({ subject: 'service', roles: [{ role: 'reader' }] });
  });
});

describe('components keep secrets out of their logs', () => {
  it('the authenticator logs no code, verifier, client secret or token at debug level', async () => {
    const logger = capturingLogger();
    const app = createAuthenticatorApp(authenticatorOptions(idp, { logLevel: 'debug' }), logger);
    const code = await lakefsCode(idp);
    await request(app.callback()).post('/sts/login').send(code);
    await request(app.callback()).post('/sts/login').send(code); // refused: the reuse is logged
    const { token } = await idp.admin.mint('default', { user: 'alice', client: 'lakefs', ttlSeconds: -60 });
    await request(app.callback()).post('/auth/external/principal/login').send({ identityToken: token });
    const log = logger.lines.join('\n');
    expect(logger.lines.length).toBeGreaterThan(2);
    for (const secret of [code.code, code.state, 'lakefs-secret', token, token.split('.')[2]!]) expect(log).not.toContain(secret);
  });

  it('the STS logs no web identity token or issued secret at debug level', async () => {
    const logger = capturingLogger();
    const app = createStsApp({ issuer, clientIds: ['sts-client'], logLevel: 'debug' }, logger);
    const { token } = await idp.admin.mint('default', { user: 'alice', client: 'sts-client' });
    const reply = await request(app.callback()).post('/').type('form').send(assumeParams(token));
    const secret = /<SecretAccessKey>([^<]+)</.exec(reply.text)![1]!;
    const log = logger.lines.join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const value of [token, secret]) expect(log).not.toContain(value);
  });
});
