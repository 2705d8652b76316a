import type { Context } from 'koa';

/*
 * A fault rule (action dpop: {requireNonce: true}) marks the request; oidc-provider's requireNonce
 * hook reads the mark, so the IdP demands a DPoP nonce (use_dpop_nonce) the way it would by itself.
 */

const DEMAND = Symbol('mockidp.dpopNonce');

export function demandDpopNonce(ctx: Context): void {
  (ctx.state as Record<symbol, unknown>)[DEMAND] = true;
}

export function dpopNonceDemanded(ctx: { state?: unknown }): boolean {
  return (ctx.state as Record<symbol, unknown> | undefined)?.[DEMAND] === true;
}
