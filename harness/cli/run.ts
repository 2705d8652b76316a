import { relative } from 'node:path';
import { flawProgress, flawSummary, writeFlawMatrix } from '../flaws/report.ts';
import type { ExternalTarget } from '../runner/plan.ts';
import type { SuiteOptions } from '../runner/suite.ts';
import { builtinScenarios } from '../scenario/builtin.ts';
import { TARGET_NAMES } from '../targets/names.ts';
import { commaList, duration, literal, pairs, parseFlags, port, positiveInt, shard as shardOf, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { isRunWorker } from './worker-protocol.ts';

const MAX_WORKERS = 64;

const usage = `Usage: mockidp run [paths...] [options]

Runs scenarios (default: the built-in library) against the embedded reference components, or against
your own component, and writes the reports (default: console, JSON, JUnit XML and HTML in reports/mockidp).
Exit code 0 only when every scenario passed (skipped ones do not count).

Your component:
  --target NAME=URL               a running target (url launcher); NAME is one of
                                  ${TARGET_NAMES.join(', ')}, or sts (= lakefs-sts + aws-sts)
  --target-command NAME=CMD       start it with a command (process launcher); placeholders
                                  {issuer} {client_id} {client_secret} {redirect_uri} {port} {tenant} {ca_file},
                                  also in env MOCKIDP_ISSUER, MOCKIDP_CLIENT_ID, MOCKIDP_CLIENT_SECRET, PORT
  --target-image NAME="IMAGE [ARGS]"  start it from a container image (testcontainers, host network);
                                  ARGS replace the image's command, with the same placeholders and env
  --target-client NAME=ID:SECRET  the IdP client your target is configured with (NAME.role=... for
                                  another client role, e.g. bearer-api.app=ID:SECRET)
  --target-redirect-uri NAME=URI  the redirect URI your target uses
  --target-option NAME.key=VALUE  how your target is configured (aws-sts.flavour=minio, bearer-api.mode=user),
                                  what it offers (authenticator.operations=sts-login,healthcheck; default:
                                  every operation) and its JWKS refetch cool-down
                                  (authenticator.jwksRefetchCooldown=30s, the default); unknown keys are errors
  --idp-port PORT                 port of the suite's IdP (default 9400 with --target, else a free port)
  --idp-tenant NAME               its tenant: your target's issuer is http://127.0.0.1:PORT/NAME (default "default")
  --idp-tls                       serve the IdP over https (issuer https://...), with a certificate of the local
                                  CA (MOCKIDP_CA_DIR, default ~/.config/mockidp/ca); targets the runner starts get
                                  the CA: {ca_file}, MOCKIDP_CA_FILE, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE,
                                  REQUESTS_CA_BUNDLE (in a container: /etc/mockidp/ca.pem, /etc/mockidp/bundle.pem)
  With a target of yours, only the scenarios for it run, one after another, on that one issuer; a target
  the runner starts also gets an instance of its own for scenarios that need a fresh one or another
  issuer shape (provider profiles), on a free port, in parallel.

Selection and running:
  --grep REGEX       scenarios whose name or id matches      --tag TAG[,TAG]  any of these tags (!TAG excludes)
  --shard i/n        the i-th of n slices (CI fan-out; merge with "mockidp report merge")
  --concurrency N    scenarios at once (default 8)           --bail           stop after the first failure
  --workers N        run in N processes (default 1), each a shard with its own IdP and components, on N cores;
                     one report and one exit code (--concurrency and --bail then apply to each worker)
  --timeout T        per scenario (default 30s)              --step-timeout T per step (default 10s)
  --ready-timeout T  how long a target may take to start (default 10s)
  --flaw NAME        run the reference components with a deliberate flaw (mockidp component flaws)
  --flaws            after the run, run the suite against every flawed variant and print the flaw
                     matrix (which scenarios catch which flaw; flaws.html, flaws.json); exit 1 if a flaw is not caught

Reports:
  --reporter LIST    console,json,junit,html (default: all four)
  --out DIR          where report files go (default reports/mockidp, or reports/mockidp/shard-i-of-n)`;

export function parseRunArgs(args: string[]) {
  const { values, positionals } = parseFlags(
    args,
    {
      target: { type: 'string', multiple: true },
      'target-command': { type: 'string', multiple: true },
      'target-image': { type: 'string', multiple: true },
      'target-client': { type: 'string', multiple: true },
      'target-redirect-uri': { type: 'string', multiple: true },
      'target-option': { type: 'string', multiple: true },
      'idp-port': { type: 'string' },
      'idp-host': { type: 'string' },
      'idp-tenant': { type: 'string' },
      'idp-tls': { type: 'boolean' },
      concurrency: { type: 'string', short: 'j' },
      shard: { type: 'string' },
      workers: { type: 'string' },
      grep: { type: 'string', short: 'g' },
      tag: { type: 'string', multiple: true, short: 't' },
      bail: { type: 'boolean' },
      flaw: { type: 'string' },
      flaws: { type: 'boolean' },
      timeout: { type: 'string' },
      'step-timeout': { type: 'string' },
      'ready-timeout': { type: 'string' },
      reporter: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
    true,
  );
  const targets: ExternalTarget[] = [
    ...pairs(values.target, '--target', 'NAME=URL').map(([name, url]) => ({ name, url })),
    ...pairs(values['target-command'], '--target-command', 'NAME="command"').map(([name, command]) => ({ name, command })),
    ...pairs(values['target-image'], '--target-image', 'NAME=IMAGE').map(([name, image]) => ({ name, image })),
  ];
  const targetClients: SuiteOptions['targetClients'] = {};
  for (const [name, value] of pairs(values['target-client'], '--target-client', 'NAME=CLIENT_ID:SECRET')) {
    const colon = value.indexOf(':');
    targetClients[name] = colon < 0 ? { id: value } : { id: value.slice(0, colon), secret: value.slice(colon + 1) };
  }
  const targetOptions: NonNullable<SuiteOptions['targetOptions']> = {};
  for (const [key, value] of pairs(values['target-option'], '--target-option', 'NAME.key=VALUE')) {
    const dot = key.lastIndexOf('.');
    if (dot <= 0) throw new UsageError(`--target-option "${key}=${value}": expected NAME.key=VALUE, e.g. aws-sts.flavour=minio`);
    const name = key.slice(0, dot);
    targetOptions[name] = { ...targetOptions[name], [key.slice(dot + 1)]: literal(value) };
  }
  const shard = values.shard === undefined ? undefined : shardOf(values.shard);
  const reporters = commaList(values.reporter, 'console,json,junit,html');
  const options: SuiteOptions = {
    paths: positionals.length > 0 ? positionals : [builtinScenarios()],
    targets,
    targetClients,
    targetRedirectUris: Object.fromEntries(pairs(values['target-redirect-uri'], '--target-redirect-uri', 'NAME=URI')),
    targetOptions,
    ...(values['idp-host'] ? { idpHost: values['idp-host'] } : {}),
    ...(values['idp-port'] !== undefined ? { idpPort: port(values['idp-port'], '--idp-port')! } : {}),
    ...(values['idp-tenant'] ? { idpTenant: values['idp-tenant'] } : {}),
    ...(values['idp-tls'] ? { idpTls: true } : {}),
    ...(values.concurrency ? { concurrency: positiveInt(values.concurrency, '--concurrency')! } : {}),
    ...(shard ? { shard } : {}),
    ...(values.grep ? { grep: values.grep } : {}),
    ...(values.tag ? { tags: values.tag } : {}),
    ...(values.bail ? { bail: true } : {}),
    ...(values.flaw ? { flaw: values.flaw } : {}),
    ...(values.timeout ? { scenarioTimeoutMs: duration(values.timeout, '--timeout')! } : {}),
    ...(values['step-timeout'] ? { stepTimeoutMs: duration(values['step-timeout'], '--step-timeout')! } : {}),
    ...(values['ready-timeout'] ? { readyTimeoutMs: duration(values['ready-timeout'], '--ready-timeout')! } : {}),
  };
  const outDir = values.out ?? (shard ? `reports/mockidp/shard-${shard.index}-of-${shard.total}` : 'reports/mockidp');
  if (values.flaws && (targets.length > 0 || values.flaw))
    throw new UsageError('--flaws runs the reference components with each flaw in turn: it cannot be combined with --target or --flaw');
  const workers = workerCount(values.workers, { shard: values.shard, target: targets.length > 0, idpPort: values['idp-port'] });
  return { options, reporters, outDir, flaws: values.flaws === true, workers };
}

/** --workers N: how many processes run the suite (1: this one). */
function workerCount(value: string | undefined, others: { shard: string | undefined; target: boolean; idpPort: string | undefined }): number {
  const workers = positiveInt(value, '--workers') ?? 1;
  if (workers > MAX_WORKERS) throw new UsageError(`--workers "${value}": at most ${MAX_WORKERS}`);
  if (workers === 1) return 1;
  if (others.shard !== undefined) throw new UsageError('--workers runs shards 1/N to N/N itself: it cannot be combined with --shard');
  if (others.target)
    throw new UsageError('--workers runs the embedded reference components; your target runs its scenarios one after another on one IdP: drop --workers');
  if (others.idpPort !== undefined) throw new UsageError('--workers starts an IdP per worker on a free port: it cannot be combined with --idp-port');
  return workers;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run scenarios against the reference components or your own target, and report',
  usage,
  async run(args) {
    if (isRunWorker()) return (await import('./run-as-worker.ts')).runAsWorker();
    const parsed = parseRunArgs(args);
    const report = { reporters: parsed.reporters, outDir: parsed.outDir, stream: process.stdout };
    // A worker is this CLI again: the script this process was started with.
    const { result, written } =
      parsed.workers > 1
        ? await (await import('./run-in-workers.ts')).runInWorkers(parsed.options, parsed.workers, report, process.argv[1]!)
        : await (await import('../report/run-with-reports.ts')).runWithReports(parsed.options, report);
    if (!parsed.reporters.includes('console')) for (const path of written) process.stdout.write(`${relative(process.cwd(), path) || path}\n`);
    if (!parsed.flaws) return result.summary.failed > 0 ? 1 : 0;
    const { onEvent: _live, ...quiet } = parsed.options;
    const { runFlawMatrix } = await import('../flaws/matrix.ts');
    const matrix = await runFlawMatrix({ ...quiet, clean: result, onFlaw: flawProgress(process.stdout) });
    flawSummary(matrix, process.stdout);
    const [json, html] = await writeFlawMatrix(matrix, parsed.outDir);
    process.stdout.write(`Flaw matrix: ${relative(process.cwd(), html!)} (JSON: ${relative(process.cwd(), json!)})\n`);
    return result.summary.failed > 0 || matrix.uncaught.length > 0 ? 1 : 0;
  },
};
