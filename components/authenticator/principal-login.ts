import type { Context } from 'koa';
import type { TokenValidator } from '../oidc/token-validator.ts';
import { HttpError } from '../server/http-error.ts';
import { readJsonObject } from '../server/json-body.ts';

/*
 * POST /auth/external/principal/login: lakeFS sends a free-form JSON object
 * (ExternalLoginInformation) and expects {"id": "<principal>"}. This reference reads an OpenID
 * Connect ID token of the configured issuer from `identityToken`, validates it like /sts/login
 * does (without a nonce), and answers its sub as the principal id.
 */
export async function principalLogin(ctx: Context, validator: TokenValidator): Promise<void> {
  const body = readJsonObject(ctx);
  const token = body['identityToken'];
  if (typeof token !== 'string' || token === '') {
    throw new HttpError(400, 'identityToken is required: send {"identityToken": "<an ID token of the configured issuer>"}');
  }
  const claims = await validator.validate(token);
  ctx.status = 200;
  ctx.body = { id: claims.sub };
}
