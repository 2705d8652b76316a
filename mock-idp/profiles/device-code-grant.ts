/**
 * Microsoft's token endpoints (Entra, AD FS 2019) take grant_type=device_code, which MSAL sends
 * when it polls, besides the RFC 8628 URN: the request goes on with the URN.
 */
export function deviceCodeGrantAlias(params: URLSearchParams): URLSearchParams | undefined {
  if (params.get('grant_type') !== 'device_code') return undefined;
  params.set('grant_type', 'urn:ietf:params:oauth:grant-type:device_code');
  return params;
}
