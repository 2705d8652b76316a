import type { Context } from 'koa';
import { jwtVerify } from 'jose';
import { HttpError } from '../server/http-error.ts';

/*
 * GET /api/v1/user: who a lakeFS login token belongs to (lakeFS's getCurrentUser), verified the way
 * lakeFS verifies its tokens: HS256/384/512 with the shared secret, exp required, aud "login".
 */
export async function currentUser(ctx: Context, secret: Uint8Array, now: () => number): Promise<void> {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(ctx.get('authorization'));
  if (!match) throw new HttpError(401, 'send the login token as Authorization: Bearer <token>', { 'www-authenticate': 'Bearer realm="lakefs"' });
  try {
    const { payload } = await jwtVerify(match[1]!, secret, {
      algorithms: ['HS256', 'HS384', 'HS512'],
      audience: 'login',
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(now()),
    });
    ctx.body = { user: { id: payload.sub } };
  } catch (error) {
    throw new HttpError(401, `the login token is not valid: ${(error as Error).message}`, {
      'www-authenticate': 'Bearer realm="lakefs", error="invalid_token"',
    });
  }
}
