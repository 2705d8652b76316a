import type { Payload, TtlStore } from '../provider/store.ts';

/*
 * Ending what a tenant has issued: a grant with every token issued from it, or browser sessions; by grant id,
 * or by who they belong to.
 */

const TOKEN_MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'ClientCredentials', 'BackchannelAuthenticationRequest'];

/** Revokes one grant and every token issued from it. */
export function revokeGrant(store: TtlStore, grantId: string): void {
  for (const model of TOKEN_MODELS) store.revokeByGrantId(model, grantId);
  store.destroy('Grant', grantId);
}

/** Ends every entry of a model whose payload matches (the list is copied first: ending changes the store); returns how many. */
export function endMatching(store: TtlStore, model: 'Grant' | 'Session', matches: (payload: Payload) => boolean, end: (id: string) => void): number {
  let ended = 0;
  for (const { id, payload } of [...store.list(model)]) {
    if (!matches(payload)) continue;
    end(id);
    ended += 1;
  }
  return ended;
}
