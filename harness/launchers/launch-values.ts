import type { LaunchRequest } from './launcher.ts';

/*
 * What a started target is told (process and container launchers alike): placeholders for its
 * command line, the same values as environment variables, and a free port to listen on.
 */

export const PLACEHOLDER = /\{(issuer|client_id|client_secret|redirect_uri|port|tenant|ca_file)\}/g;

export function placeholders(request: LaunchRequest, port: number): Record<string, string> {
  const main = request.setup.clients['main'];
  return {
    issuer: request.setup.issuer,
    client_id: main?.id ?? '',
    client_secret: main?.secret ?? '',
    redirect_uri: main?.redirectUri ?? '',
    port: String(port),
    tenant: request.setup.tenant,
    ca_file: request.setup.ca?.path ?? '',
    ca_bundle: request.setup.ca?.bundlePath ?? '',
  };
}

/**
 * MOCKIDP_ISSUER, MOCKIDP_CLIENT_ID, MOCKIDP_CLIENT_SECRET, MOCKIDP_REDIRECT_URI and PORT, plus the
 * request's own; with an https IdP, its CA as MOCKIDP_CA_FILE and where Node.js (NODE_EXTRA_CA_CERTS),
 * Python, OpenSSL and .NET (SSL_CERT_FILE, REQUESTS_CA_BUNDLE: a bundle of the public roots plus it) look.
 */
export function targetEnvironment(request: LaunchRequest, values: Record<string, string>): Record<string, string> {
  return {
    MOCKIDP_ISSUER: values['issuer'] ?? '',
    MOCKIDP_CLIENT_ID: values['client_id'] ?? '',
    ...(values['client_secret'] ? { MOCKIDP_CLIENT_SECRET: values['client_secret'] } : {}),
    MOCKIDP_REDIRECT_URI: values['redirect_uri'] ?? '',
    PORT: values['port'] ?? '',
    ...(values['ca_file'] ? { MOCKIDP_CA_FILE: values['ca_file'], NODE_EXTRA_CA_CERTS: values['ca_file'] } : {}),
    ...(values['ca_bundle'] ? { SSL_CERT_FILE: values['ca_bundle'], REQUESTS_CA_BUNDLE: values['ca_bundle'] } : {}),
    ...request.env,
  };
}

export function lastLines(text: string, count = 8): string {
  const lines = text.trim().split('\n').slice(-count);
  return lines.length > 0 && lines[0] ? `\n  last output:\n    ${lines.join('\n    ')}` : ' (no output)';
}
