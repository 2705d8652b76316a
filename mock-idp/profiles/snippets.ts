import { readFileSync } from 'node:fs';

/*
 * "Use it with <SDK>" on the profile pages: each snippet is a file in docs/profiles/snippets/ that
 * a test in test/sdk/ runs as the page says (a new process, the CA trusted through the variable
 * `serve --tls` prints); the pages embed the files, so page, file and test cannot drift apart.
 */

export interface Snippet {
  /** The SDK, as its package is named. */
  sdk: string;
  /** File in docs/profiles/snippets/. */
  file: string;
  /** What the snippet shows. */
  intro: string;
  /** The test that runs it (and the SDK's other flows). */
  test: string;
  /** The fixture the snippet's tenant comes from; undefined: `serve --tls` with the default configuration. */
  fixture?: string;
}

/** Snippets by profile name; `index` is the profiles' README (any tenant). */
export const SNIPPETS: Record<string, Snippet[]> = {
  index: [
    {
      sdk: 'aws-jwt-verify',
      file: 'any.aws-jwt-verify.mjs',
      intro: "Verify any tenant's tokens with AWS's JWT library, which accepts only https JWKS URIs.",
      test: 'test/sdk/aws.test.ts',
    },
  ],
  google: [
    {
      sdk: 'google-auth-library',
      file: 'google.google-auth-library.mjs',
      intro:
        'OAuth2Client pointed at the tenant through its `endpoints` option; `verifyIdToken` reads the PEM certificates of `/oauth2/v1/certs`. The test also runs `getToken` with PKCE, `getAccessToken` (refresh), `getTokenInfo` and `revokeToken`.',
      test: 'test/sdk/google-auth-library.test.ts',
      fixture: 'google',
    },
  ],
  entra: [
    {
      sdk: '@azure/msal-node',
      file: 'entra.msal-node.mjs',
      intro:
        'A custom authority for MSAL: `knownAuthorities` names the host. The test also runs the code flow with PKCE (`getAuthCodeUrl`, `acquireTokenByCode`), `acquireTokenSilent` refreshes and the device code flow, on tenant, `organizations` and `common` authorities and with v1 tokens.',
      test: 'test/sdk/entra-msal.test.ts',
      fixture: 'entra',
    },
    {
      sdk: 'MSAL for Python (Debian: python3-msal)',
      file: 'entra.msal-python.py',
      intro: "The same app-only token from Python: `instance_discovery=False` reads the authority's own discovery document.",
      test: 'test/sdk/entra-msal-python.test.ts',
      fixture: 'entra',
    },
  ],
  adfs: [
    {
      sdk: '@azure/msal-node',
      file: 'adfs.msal-node.mjs',
      intro:
        "MSAL knows an AD FS authority by its first path segment, `adfs`: the fixture's farm is the tenant named adfs (authority `<base>/adfs/adfs`). The test also runs the code flow with PKCE, silent refresh and the device code flow (AD FS 2019).",
      test: 'test/sdk/adfs-msal.test.ts',
      fixture: 'adfs',
    },
  ],
  auth0: [
    {
      sdk: 'express-oauth2-jwt-bearer',
      file: 'auth0.express-oauth2-jwt-bearer.mjs',
      intro:
        "An API protected by Auth0's middleware, called with a machine-to-machine token (`gty: client-credentials`). The test also logs a user in to a web app with express-openid-connect.",
      test: 'test/sdk/auth0.test.ts',
      fixture: 'auth0',
    },
  ],
  keycloak: [
    {
      sdk: 'keycloak-js',
      file: 'keycloak.keycloak-js.html',
      intro:
        "A single-page app with keycloak-js's defaults: the third-party-cookie check, the login-status iframe, PKCE and JWT refresh tokens are answered as Keycloak does. The test serves this page to Chromium, signs in, refreshes with `updateToken` and logs out.",
      test: 'test/sdk/keycloak-js.test.ts',
      fixture: 'keycloak',
    },
  ],
  okta: [
    {
      sdk: '@okta/jwt-verifier',
      file: 'okta.jwt-verifier.mjs',
      intro:
        "Okta's verifier with its https check on (no `testing.disableHttpsCheck`). The test also verifies ID tokens and logs a user in with @okta/okta-auth-js (PKCE) in Chromium.",
      test: 'test/sdk/okta.test.ts',
      fixture: 'okta',
    },
  ],
};

function language(file: string): string {
  if (file.endsWith('.py')) return 'python';
  if (file.endsWith('.html')) return 'html';
  return 'js';
}

/** How to run a snippet: serve with TLS, trust the CA (the variable serve prints), run the file. */
function howToRun(snippet: Snippet): string[] {
  const serve = `npx mockidp serve --tls${snippet.fixture ? ` --config fixtures/profiles/${snippet.fixture}.yaml` : ''}   # prints the CA file and how to trust it`;
  const path = `docs/profiles/snippets/${snippet.file}`;
  if (snippet.file.endsWith('.py'))
    return [serve, 'export REQUESTS_CA_BUNDLE=~/.config/mockidp/ca/bundle.pem   # the Python line serve prints', `python3 ${path}`];
  if (snippet.file.endsWith('.html')) {
    return [
      serve,
      'mkdir -p ~/.pki/nssdb && certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n mockidp-ca -i ~/.config/mockidp/ca/ca.pem   # the Chromium line serve prints',
      `mkdir -p spa && cp ${path} spa/index.html && cp node_modules/keycloak-js/lib/keycloak.js spa/`,
      'python3 -m http.server 8080 --bind 127.0.0.1 --directory spa   # then open http://127.0.0.1:8080/',
    ];
  }
  return [
    serve,
    'export NODE_EXTRA_CA_CERTS=~/.config/mockidp/ca/ca.pem   # the Node.js line serve prints',
    `node ${path}   # MOCKIDP_URL=https://127.0.0.1:9400 by default`,
  ];
}

/** The "Use it with" sections of a page (empty without snippets). */
export function snippetSections(page: string, root = new URL('../../', import.meta.url)): string[] {
  return (SNIPPETS[page] ?? []).flatMap((snippet) => [
    `## Use it with ${snippet.sdk}`,
    '',
    `${snippet.intro} [${snippet.test}](../../${snippet.test}) runs this file as shown here.`,
    '',
    '```sh',
    ...howToRun(snippet),
    '```',
    '',
    `\`\`\`${language(snippet.file)}`,
    readFileSync(new URL(`docs/profiles/snippets/${snippet.file}`, root), 'utf8').trimEnd(),
    '```',
    '',
  ]);
}
