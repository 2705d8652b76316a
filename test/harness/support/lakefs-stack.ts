import { parseArgs } from 'node:util';
import { startAuthenticator, startSts } from '../../../components/index.ts';

/*
 * The reference STS with the reference authenticator behind it, as one separate process (what a
 * lakeFS deployment is to the suite): serves the lakeFS STS login and the AWS query API on --port.
 * Usage: node lakefs-stack.ts --issuer URL --client-id ID --client-secret S --sts-client-id ID --port P [--flaw NAME]
 */

const { values } = parseArgs({
  options: {
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'sts-client-id': { type: 'string' },
    port: { type: 'string' },
    flaw: { type: 'string' },
  },
});
const issuer = values.issuer!;
const authenticator = await startAuthenticator({ issuer, clientId: values['client-id']!, clientSecret: values['client-secret']!, port: 0, logLevel: 'silent' });
const sts = await startSts({
  issuer,
  authenticatorUrl: `${authenticator.url}/api/v1`,
  clientIds: [values['sts-client-id'] ?? 'sts'],
  port: Number(values.port),
  logLevel: 'silent',
  ...(values.flaw ? { flaw: values.flaw as never } : {}),
});
process.stdout.write(`listening on ${sts.url} (lakeFS STS and AWS query API)\n`);
const stop = () => void Promise.all([sts.close(), authenticator.close()]).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
