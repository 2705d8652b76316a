import { type PlainResponse, plainRequest } from '../../common/http-request.ts';
import type { ScenarioContext } from './context.ts';
import { describeNetworkError } from './network-error.ts';
import { StepFailure } from './step-failure.ts';

/** The parts of an OpenID Provider's discovery document the runner uses. */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri?: string;
  userinfo_endpoint?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  device_authorization_endpoint?: string;
  end_session_endpoint?: string;
}

const cache = new WeakMap<ScenarioContext, Map<string, Promise<ProviderMetadata>>>();

/** Discovery of an issuer (the scenario's by default), fetched once per scenario, not traced. */
function discover(ctx: ScenarioContext, issuer = ctx.idp.issuer): Promise<ProviderMetadata> {
  const perScenario = cache.get(ctx) ?? new Map<string, Promise<ProviderMetadata>>();
  cache.set(ctx, perScenario);
  let pending = perScenario.get(issuer);
  if (!pending) {
    pending = (async () => {
      let response: PlainResponse;
      try {
        response = await plainRequest(`${issuer}/.well-known/openid-configuration`, {
          headers: { 'x-mockidp-scenario': ctx.tag, accept: 'application/json' },
          signal: ctx.signal,
        });
      } catch (error) {
        throw new StepFailure(`cannot fetch the discovery document of ${issuer}: ${describeNetworkError(error)}`);
      }
      if (response.status < 200 || response.status > 299) throw new StepFailure(`the discovery document of ${issuer} answered ${response.status}`);
      return JSON.parse(response.text) as ProviderMetadata;
    })();
    perScenario.set(issuer, pending);
    pending.catch(() => perScenario.delete(issuer));
  }
  return pending;
}

/** A path of the issuer's endpoint (absolute URL), e.g. endpoint(ctx, 'token_endpoint'). */
export async function endpoint(ctx: ScenarioContext, name: keyof ProviderMetadata, issuer?: string): Promise<string> {
  const metadata = await discover(ctx, issuer);
  const url = metadata[name];
  if (!url) throw new StepFailure(`the IdP does not advertise ${name} in its discovery document`);
  return url;
}
