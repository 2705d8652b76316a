/*
 * How to make each runtime trust the local CA: the lines `mockidp serve --tls` prints. The
 * commands are meant to be copied as they are (a test runs the Node.js and Python ones), so paths
 * are shell-quoted.
 */

export interface TrustHint {
  runtime: string;
  /** Shell lines, in order. */
  commands: string[];
  note?: string;
}

function quote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function trustHints(ca: { path: string; bundlePath: string }, discoveryUrl: string): TrustHint[] {
  const caFile = quote(ca.path);
  const bundle = quote(ca.bundlePath);
  return [
    { runtime: 'Node.js', commands: [`export NODE_EXTRA_CA_CERTS=${caFile}`], note: 'read when node starts: set it before starting your process' },
    {
      runtime: 'Python',
      commands: [`export SSL_CERT_FILE=${bundle} REQUESTS_CA_BUNDLE=${bundle}`],
      note: 'requests, urllib, httpx; bundle.pem is the public roots plus this CA',
    },
    {
      runtime: 'Chromium',
      commands: [`mkdir -p ~/.pki/nssdb && certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n mockidp-ca -i ${caFile}`],
      note: 'Chrome and Chromium on Linux read $HOME/.pki/nssdb (Debian: libnss3-tools has certutil); restart the browser',
    },
    { runtime: 'curl', commands: [`curl --cacert ${caFile} ${quote(discoveryUrl)}`] },
    {
      runtime: 'Java',
      commands: [
        `keytool -importcert -noprompt -alias mockidp-ca -file ${caFile} -keystore mockidp-truststore.p12 -storetype PKCS12 -storepass changeit`,
        'java -Djavax.net.ssl.trustStore=mockidp-truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit ...',
      ],
    },
    {
      runtime: '.NET',
      commands: [`export SSL_CERT_FILE=${bundle}`],
      note: `Linux; Windows: Import-Certificate -FilePath "${ca.path}" -CertStoreLocation Cert:\\CurrentUser\\Root; macOS: security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db ${caFile}`,
    },
  ];
}

export function formatTrustHints(hints: TrustHint[]): string[] {
  const width = Math.max(...hints.map((hint) => hint.runtime.length)) + 2;
  const lines: string[] = [];
  for (const hint of hints) {
    for (const [index, command] of hint.commands.entries()) lines.push(`    ${(index === 0 ? hint.runtime : '').padEnd(width)}${command}`);
    if (hint.note) lines.push(`    ${''.padEnd(width)}(${hint.note})`);
  }
  return lines;
}
