import { ROUTES } from './configuration.ts';

/** Endpoint names used by the journal (and by fault rules): one per protocol endpoint. */
export type EndpointName =
  | 'discovery'
  | 'jwks'
  | 'authorize'
  | 'par'
  | 'token'
  | 'userinfo'
  | 'introspection'
  | 'revocation'
  | 'device_authorization'
  | 'device_verification'
  | 'end_session'
  | 'interaction'
  | 'other';

const exact = new Map<string, EndpointName>([
  ['/.well-known/openid-configuration', 'discovery'],
  ['/.well-known/oauth-authorization-server', 'discovery'],
  [ROUTES.jwks, 'jwks'],
  [ROUTES.authorization, 'authorize'],
  [ROUTES.pushed_authorization_request, 'par'],
  [ROUTES.token, 'token'],
  [ROUTES.userinfo, 'userinfo'],
  [ROUTES.introspection, 'introspection'],
  [ROUTES.revocation, 'revocation'],
  [ROUTES.device_authorization, 'device_authorization'],
  [ROUTES.code_verification, 'device_verification'],
  [ROUTES.end_session, 'end_session'],
]);

const prefixes: Array<[string, EndpointName]> = [
  [`${ROUTES.end_session}/`, 'end_session'],
  [`${ROUTES.code_verification}/`, 'device_verification'],
  [`${ROUTES.authorization}/`, 'authorize'],
  ['/interaction/', 'interaction'],
];

/** Classifies a path inside a tenant (the tenant prefix already removed). */
export function endpointOf(path: string): EndpointName {
  const found = exact.get(path);
  if (found) return found;
  for (const [prefix, name] of prefixes) if (path.startsWith(prefix)) return name;
  return 'other';
}
