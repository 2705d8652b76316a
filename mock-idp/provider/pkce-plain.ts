import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';

/*
 * oidc-provider 9 supports only S256. Clients configured with `pkcePlain` may still send
 * code_challenge_method=plain: the challenge is turned into its S256 form on the way in, so the
 * plain verifier (equal to the challenge) matches at the token endpoint. Discovery then lists
 * "plain" too. Only GET authorization requests carry it (as real clients send them).
 */
export function pkcePlain(options: { authorizationPath: string; allows(clientId: string): boolean; anyAllows(): boolean }): Middleware {
  return async function pkcePlain(ctx, next) {
    if (ctx.method !== 'GET' || (ctx.path !== options.authorizationPath && !ctx.path.startsWith('/.well-known/'))) return next();
    if (ctx.method === 'GET' && ctx.query['code_challenge_method'] === 'plain') {
      const clientId = ctx.query['client_id'];
      const challenge = ctx.query['code_challenge'];
      if (typeof clientId === 'string' && typeof challenge === 'string' && options.allows(clientId)) {
        const query = { ...ctx.query, code_challenge: createHash('sha256').update(challenge).digest('base64url'), code_challenge_method: 'S256' };
        ctx.query = query;
      }
    }
    await next();
    if (ctx.status === 200 && ctx.path.startsWith('/.well-known/') && options.anyAllows()) {
      const body = ctx.body as { code_challenge_methods_supported?: string[] } | undefined;
      if (body?.code_challenge_methods_supported && !body.code_challenge_methods_supported.includes('plain')) {
        body.code_challenge_methods_supported = [...body.code_challenge_methods_supported, 'plain'];
      }
    }
  };
}
