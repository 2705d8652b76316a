import type Provider from 'oidc-provider';

/*
 * oidc-provider answers every refused grant with "grant request is invalid" and keeps the reason
 * (PKCE verification failed, DPoP proof JWT Replay detected, ...) to itself. A test IdP says why:
 * the reason becomes the error_description, which is what the person reading a failed test needs.
 */

const GENERIC = 'grant request is invalid';

export function explainRefusedGrants(provider: Provider): void {
  provider.on('grant.error', (ctx: { body?: unknown }, error: { error?: string; error_detail?: string }) => {
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    if (error.error !== 'invalid_grant' || !error.error_detail || body?.error_description !== GENERIC) return;
    ctx.body = { ...body, error_description: error.error_detail };
  });
}
