import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import type { Context, Middleware, Next } from 'koa';
import compose from 'koa-compose';
import { realTimeCookies } from '../clock/real-time-cookies.ts';
import { type FaultHost, faultMiddleware } from '../faults/middleware.ts';
import { interactionRouter } from '../interactions/router.ts';
import { profileMiddleware } from '../profiles/middleware.ts';
import type { ProfileTenant } from '../profiles/profile.ts';
import { CLAIMS_PATH, claimsEndpoint } from '../provider/claim-sources.ts';
import { OIDC_SCOPES, pageTenant, ROUTES } from '../provider/configuration.ts';
import { endSessionCors } from '../provider/cors.ts';
import { devicePolling, recordSlowDown } from '../provider/device-polling.ts';
import { deviceSessionGuard } from '../provider/device-session-guard.ts';
import { emptyRevocationAnswer } from '../provider/empty-revocation-answer.ts';
import { frontChannelLogout } from '../provider/front-channel-logout.ts';
import { jwtAccessTokens } from '../provider/jwt-access-tokens.ts';
import { keepOfflineAccess } from '../provider/offline-access.ts';
import { pkcePlain } from '../provider/pkce-plain.ts';
import { ignoreUnknownRefreshScopes } from '../provider/refresh-scope.ts';
import { requestUriFetcher } from '../provider/request-uri.ts';
import { INITIATE_LOGIN_PATH, thirdPartyLogin } from '../provider/third-party-login.ts';
import { mountTenant } from './mount.ts';
import type { Tenant } from './tenant.ts';

/*
 * What a request to a tenant goes through before oidc-provider, in order: the tenant clock, the provider
 * profile (which may move the request to another path), the fault rules, then the steps of the endpoint it
 * reached. A step names the paths it concerns, so each request runs only the steps of its own endpoint
 * (the token endpoint does not pay for the login page's).
 */

/** A step of one or more endpoints: `paths` says which (paths after the mount and the profile's aliases). */
interface EndpointStep {
  paths: (path: string) => boolean;
  middleware: Middleware;
}

const at =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);
const under = (prefix: string) => (path: string) => path === prefix || path.startsWith(`${prefix}/`);

export function tenantPipeline(tenant: Tenant): Middleware {
  const steps: EndpointStep[] = [
    { paths: at(ROUTES.revocation), middleware: emptyRevocationAnswer({ path: ROUTES.revocation }) },
    {
      paths: under(ROUTES.end_session),
      middleware: endSessionCors({ path: ROUTES.end_session, allows: (origin, clientId) => tenant.allowsOrigin(origin, clientId) }),
    },
    {
      paths: under(ROUTES.code_verification),
      middleware: deviceSessionGuard({
        path: ROUTES.code_verification,
        except: [ROUTES.device_authorization],
        sessionCookie: () => `_session.${tenant.name}`,
        sessionExists: (id) => tenant.store.find('Session', id) !== undefined,
      }),
    },
    {
      paths: at(ROUTES.introspection, ROUTES.revocation),
      middleware: jwtAccessTokens({
        paths: [ROUTES.introspection, ROUTES.revocation],
        issuer: tenant.issuer,
        jwks: () => tenant.keys.publicJwks() as JSONWebKeySet,
        store: tenant.store,
      }),
    },
    {
      paths: at(ROUTES.device_authorization, ROUTES.token),
      middleware: devicePolling(tenant.store, () => ({
        deviceAuthorizationPath: ROUTES.device_authorization,
        tokenPath: ROUTES.token,
        interval: tenant.config.deviceFlow.interval,
        enforceInterval: tenant.config.deviceFlow.enforceInterval,
        deviceCodeTtl: () => tenant.config.ttl.deviceCode,
      })),
    },
    { paths: at(ROUTES.authorization), middleware: keepOfflineAccess({ authorizationPath: ROUTES.authorization }) },
    {
      paths: at(ROUTES.token),
      middleware: ignoreUnknownRefreshScopes({
        tokenPath: ROUTES.token,
        refreshTokensExist: () => tenant.store.countOf('RefreshToken') > 0,
        knownScopes: (clientId) =>
          new Set([...OIDC_SCOPES, ...tenant.config.scopes, ...((clientId === undefined ? undefined : tenant.clients.get(clientId)?.scopes) ?? [])]),
      }),
    },
    { paths: at(INITIATE_LOGIN_PATH), middleware: thirdPartyLogin(() => ({ issuer: tenant.issuer, clients: tenant.clients })) },
    {
      paths: at(CLAIMS_PATH),
      middleware: claimsEndpoint(
        () => ({ issuer: tenant.issuer, keys: tenant.keys, alg: tenant.config.defaultAlg, store: tenant.store }),
        () => tenant.users,
      ),
    },
    {
      paths: at(ROUTES.authorization),
      middleware: requestUriFetcher(() => ({ enabled: tenant.config.requestObjects, authorizationPath: ROUTES.authorization })),
    },
    {
      // It also says in discovery that plain is supported, when a client may use it.
      paths: (path) => path === ROUTES.authorization || path.startsWith('/.well-known/'),
      middleware: pkcePlain({
        authorizationPath: ROUTES.authorization,
        allows: (clientId) => tenant.clients.get(clientId)?.pkcePlain === true,
        anyAllows: () => [...tenant.clients.values()].some((client) => client.pkcePlain),
      }),
    },
    {
      paths: under('/interaction'),
      middleware: interactionRouter({
        name: tenant.name,
        users: tenant.users,
        page: () => pageTenant(tenant),
        usernameOf: (sub) => tenant.userBySub(sub)?.username ?? sub,
        subOf: (username, user) => tenant.subOf(username, user),
        acceptLoginClaims: (claims) => {
          if (tenant.loginClaims.learnNames(claims)) tenant.rebuild();
        },
        get provider() {
          return tenant.provider;
        },
      }),
    },
  ];
  // The provider of the moment: a layer before it may rebuild it (key rotation, a new claim name).
  const provider: Middleware = (ctx, next) => tenant.providerMiddleware(ctx, next);
  const host = faultHost(tenant);
  const onClock: Middleware = (_ctx, next) => tenant.clock.run(next);
  const profileEdge = tenant.profile ? [profileMiddleware(() => ({ profile: tenant.profile, mount: tenant.mount, tenant: profileTenant(tenant) }))] : [];
  const confirmPath = `${ROUTES.end_session}/confirm`;
  const front = frontChannelLogout(() => ({ confirmPath, store: tenant.store }));
  const faults = faultMiddleware(host);
  const profileFaults = tenant.profileRules.size > 0 ? [faultMiddleware({ ...host, rules: tenant.profileRules })] : [];
  const cookiesOnRealTime = realTimeCookies(tenant.clock);
  const pruneRetiredKeys: Middleware = (_ctx, next) => {
    if (tenant.keys.nextRetirement() <= Date.now() && tenant.keys.prune()) tenant.rebuild();
    return next();
  };

  // Which layers a request needs depends on the tenant's state (a clock that is not plain real time, fault rules)
  // and on the steps of the endpoint it reached: each combination is composed once, without the layers that would
  // only pass the request on, and kept (keyed by the combination, so paths with ids in them share their chain).
  const chains = new Map<number, Middleware>();
  // The steps of the paths seen lately: a few endpoints, and paths with ids in them (hence the bound).
  const stepsOfPath = new Map<string, number>();
  const stepBits = (path: string): number => {
    let bits = stepsOfPath.get(path);
    if (bits === undefined) {
      bits = 0;
      for (let index = 0; index < steps.length; index += 1) if (steps[index]!.paths(path)) bits |= 1 << (index + 2);
      if (stepsOfPath.size >= 256) stepsOfPath.clear();
      stepsOfPath.set(path, bits);
    }
    return bits;
  };
  const endpointChain = (path: string, shifted: boolean, faulty: boolean): Middleware => {
    const key = stepBits(path) | (shifted ? 1 : 0) | (faulty ? 2 : 0);
    let chain = chains.get(key);
    if (!chain) {
      chain = compose([
        // Outside the faults, so that the page after a logout goes where a fault may have sent it.
        front,
        ...(faulty ? [faults] : []),
        ...profileFaults,
        ...(shifted ? [cookiesOnRealTime] : []),
        pruneRetiredKeys,
        ...steps.filter((_step, index) => key & (1 << (index + 2))).map((step) => step.middleware),
        provider,
      ]);
      chains.set(key, chain);
    }
    return chain;
  };
  const endpoint = (ctx: Context, next: Next) => endpointChain(ctx.path, tenant.clock.needsContext(), tenant.faults.size > 0)(ctx, next);
  // The clock and the profile (which may move the request to another path) come before the endpoint is known.
  const onRealTime: Middleware = profileEdge.length === 0 ? endpoint : compose([...profileEdge, endpoint]);
  const onShiftedTime = compose([onClock, ...profileEdge, endpoint]);
  const entry: Middleware = (ctx, next) => (tenant.clock.needsContext() ? onShiftedTime : onRealTime)(ctx, next);
  return mountTenant(`/${tenant.name}`, entry);
}

/** What the fault middleware needs of a tenant. */
function faultHost(tenant: Tenant): FaultHost {
  return {
    rules: tenant.faults,
    get issuer() {
      return tenant.issuer;
    },
    get logger() {
      return tenant.logger;
    },
    redirectUrisOf: (clientId) => tenant.clients.get(clientId)?.redirectUris,
    rewriteContext: () => ({
      issuer: tenant.issuer,
      keys: tenant.keys,
      nowSeconds: tenant.clock.nowSeconds(),
      activeKids: tenant.keys.keys.filter((key) => key.status === 'active').map((key) => key.kid),
    }),
    rotateKeys: async () => {
      for (const alg of tenant.keys.algorithms()) await tenant.keys.rotate(alg, tenant.config.keyRotationGraceSeconds, tenant.clock.now());
      // A rule that rotates on every request must not grow the key set without bound.
      tenant.keys.dropOldestRetired(tenant.limits.keysPerTenant);
      tenant.rebuild();
    },
    usernameOf: (sub) => tenant.userBySub(sub)?.username,
    deviceSlowDown: (deviceCode) => recordSlowDown(tenant.store, deviceCode),
    findToken: (model, id) => tenant.store.find(model, id),
    revokeGrant: (grantId) => tenant.revokeGrant(grantId),
  };
}

/** What a profile's own endpoints (Google's tokeninfo, revoke, PEM certificates) use of a tenant. */
function profileTenant(tenant: Tenant): ProfileTenant {
  return {
    signingKeys: () => tenant.keys.keys,
    nowSeconds: () => tenant.clock.nowSeconds(),
    findToken: async (value) => {
      const access = await tenant.provider.AccessToken.find(value).catch(() => undefined);
      const found = access
        ? { kind: 'AccessToken' as const, token: access }
        : { kind: 'RefreshToken' as const, token: await tenant.provider.RefreshToken.find(value).catch(() => undefined) };
      const { kind, token } = found;
      if (!token || token.isExpired) return undefined;
      return { kind, clientId: token.clientId!, accountId: token.accountId, scope: token.scope ?? '', exp: token.exp!, grantId: token.grantId };
    },
    revokeGrant: (grantId) => tenant.revokeGrant(grantId),
    redirectUrisOf: (clientId) => tenant.clients.get(clientId)?.redirectUris,
    claimsOf: (accountId) => {
      const found = tenant.userBySub(accountId);
      return found ? tenant.claimsOf(found.username, found.user) : undefined;
    },
    verifyIdToken: async (token) => {
      try {
        const { payload } = await jwtVerify(token, createLocalJWKSet(tenant.keys.publicJwks() as JSONWebKeySet), { currentDate: new Date(tenant.clock.now()) });
        return payload as Record<string, unknown>;
      } catch {
        return undefined;
      }
    },
  };
}
