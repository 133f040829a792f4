/**
 * `npm run -s ami -- <subcommand> ...`: bakes, prunes and checks the Neo4j images of the Neo4j hosts.
 * Exit codes: see EXIT in ./errors.ts and docs/neo4j-ami.md. Every failure is one line on stderr.
 */
// The SDK's multi-line Node-version advisory would break the one-line error contract; the docs carry it instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { parseArgs, ParseArgsConfig } from 'node:util';
import { globalConfig } from '../../config/global';
import { bake, DEFAULT_BASE_IMAGE, DEFAULTS } from './bake';
import { checkVersion, DEFAULT_SOURCE_URL, describeCheck } from './check-version';
import { AwsTarget, ec2Client, endpointLabel } from './ec2';
import { AmiError, EXIT, oneLine, UsageError } from './errors';
import { pruneImages } from './images';
import { Edition, editionProblem, keepProblem, regionProblem, versionProblem } from './validate';
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';

const USAGE = `usage: npm run -s ami -- <subcommand> [options]

  bake           --edition community|enterprise --version X.Y.Z --region R [--keep N]
                 [--endpoint-url URL] [--base-image NAME] [--base-image-owner ID] [--instance-type T]
                 [--subnet-id ID] [--security-group-id ID]... [--instance-profile NAME] [--timeout SECONDS]
                 Reuses the image tagged Neo4jVersion/Neo4jEdition (same install script) or builds one, then prunes.
  prune          --edition community|enterprise --region R [--keep N] [--endpoint-url URL]
                 Keeps the newest N images of the edition; deregisters older ones and deletes their snapshots.
  check-version  --version X.Y.Z [--source-url URL] [--json]
                 Compares the version with the newest release of its line.
  help

exit codes: 0 done/up to date, 1 failed, 2 usage error, 3 endpoint or source unreachable,
            4 base image not found, 10 newer version available, 11 version not published`;

/** Images kept per edition unless --keep says otherwise: config/global.ts amiRetention. */
const DEFAULT_KEEP = globalConfig.amiRetention;

const COMMON = {
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

const OPTIONS = {
  bake: {
    ...COMMON,
    edition: { type: 'string' },
    version: { type: 'string' },
    keep: { type: 'string' },
    'base-image': { type: 'string' },
    'base-image-owner': { type: 'string' },
    'instance-type': { type: 'string' },
    'subnet-id': { type: 'string' },
    'security-group-id': { type: 'string', multiple: true },
    'instance-profile': { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
  },
  prune: { ...COMMON, edition: { type: 'string' }, keep: { type: 'string' }, json: { type: 'boolean' } },
  'check-version': {
    version: { type: 'string' },
    'source-url': { type: 'string' },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
  },
} as const satisfies Record<string, ParseArgsConfig['options']>;

type Subcommand = keyof typeof OPTIONS;

function parse<S extends Subcommand>(sub: S, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS[sub], strict: true, allowPositionals: false }).values as Record<
      string,
      string | string[] | boolean | undefined
    >;
  } catch (e) {
    throw new UsageError(oneLine((e as Error).message));
  }
}

function str(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function check(problem: string | undefined): void {
  if (problem) throw new UsageError(problem);
}

function wholeNumber(values: Record<string, unknown>, key: string, fallback: number): number {
  const raw = str(values, key);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${key} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function endpointOption(values: Record<string, unknown>): string | undefined {
  const raw = str(values, 'endpoint-url');
  if (raw === undefined) return undefined;
  return httpUrl(raw, '--endpoint-url');
}

function httpUrl(raw: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${flag} is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} must be http(s): "${raw}"`);
  return raw;
}

/** Told of the builder launch (its id to come) and, with undefined, that bake has dealt with the builder itself. */
type BuilderWatch = (instanceId: Promise<string | undefined> | undefined, target?: AwsTarget) => void;

type Out = { stdout: (line: string) => void; stderr: (line: string) => void };

async function runBake(argv: string[], out: Out, onBuilder: BuilderWatch): Promise<number> {
  const v = parse('bake', argv);
  const edition = str(v, 'edition');
  const version = str(v, 'version');
  const region = str(v, 'region');
  check(editionProblem(edition));
  check(versionProblem(version));
  check(regionProblem(region));
  const keep = wholeNumber(v, 'keep', DEFAULT_KEEP);
  check(keepProblem(keep));
  const timeoutSeconds = wholeNumber(v, 'timeout', DEFAULTS.timeoutSeconds);
  if (timeoutSeconds < 1) throw new UsageError('--timeout must be at least 1 second');
  const target = { region: region!, endpoint: endpointOption(v) };
  const ec2 = ec2Client(target);
  const log = v.json ? out.stderr : out.stdout;
  const result = await bake(ec2, {
    edition: edition as Edition,
    version: version!,
    region: region!,
    endpoint: endpointLabel(target),
    keep,
    baseImage: {
      name: str(v, 'base-image') ?? DEFAULT_BASE_IMAGE.name,
      owner: str(v, 'base-image-owner') ?? DEFAULT_BASE_IMAGE.owner,
    },
    instanceType: str(v, 'instance-type') ?? DEFAULTS.instanceType,
    subnetId: str(v, 'subnet-id'),
    securityGroupIds: (v['security-group-id'] as string[] | undefined) ?? [],
    instanceProfile: str(v, 'instance-profile'),
    timeoutSeconds,
    onBuilderLaunch: (id) => onBuilder(id, target),
    log,
  }).finally(() => onBuilder(undefined));
  if (v.json) out.stdout(JSON.stringify(result));
  else out.stdout(`${result.action === 'built' ? 'built' : 'reused'} ${result.imageId}`);
  return EXIT.OK;
}

async function runPrune(argv: string[], out: Out): Promise<number> {
  const v = parse('prune', argv);
  const edition = str(v, 'edition');
  const region = str(v, 'region');
  check(editionProblem(edition));
  check(regionProblem(region));
  const keep = wholeNumber(v, 'keep', DEFAULT_KEEP);
  check(keepProblem(keep));
  const target = { region: region!, endpoint: endpointOption(v) };
  const result = await pruneImages(ec2Client(target), {
    edition: edition as Edition,
    keep,
    endpoint: endpointLabel(target),
    log: v.json ? out.stderr : out.stdout,
  });
  if (v.json) out.stdout(JSON.stringify(result));
  else out.stdout(`kept ${result.kept.length + result.keptInUse.length}, deregistered ${result.deregistered.length}`);
  return EXIT.OK;
}

async function runCheckVersion(argv: string[], out: Out): Promise<number> {
  const v = parse('check-version', argv);
  const version = str(v, 'version');
  check(versionProblem(version));
  const source = httpUrl(str(v, 'source-url') ?? DEFAULT_SOURCE_URL, '--source-url');
  const timeoutSeconds = wholeNumber(v, 'timeout', 15);
  if (timeoutSeconds < 1) throw new UsageError('--timeout must be at least 1 second');
  const result = await checkVersion(version!, source, timeoutSeconds * 1000);
  out.stdout(v.json ? JSON.stringify(result) : describeCheck(result));
  return result.exitCode;
}

/** Runs one command line; returns the exit code. Never throws. */
export async function main(argv: string[], out: Out, onBuilder: BuilderWatch = () => undefined): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'bake':
        return await runBake(rest, out, onBuilder);
      case 'prune':
        return await runPrune(rest, out);
      case 'check-version':
        return await runCheckVersion(rest, out);
      case 'help':
      case '--help':
      case '-h':
        out.stdout(USAGE);
        return EXIT.OK;
      case undefined:
        throw new UsageError('missing subcommand: bake, prune, check-version or help');
      default:
        throw new UsageError(`unknown subcommand "${sub}": expected bake, prune, check-version or help`);
    }
  } catch (e) {
    const err =
      e instanceof AmiError ? e : new AmiError(`unexpected error: ${oneLine(String((e as Error)?.message ?? e))}`);
    const hint = err.exitCode === EXIT.USAGE ? ' (npm run -s ami -- help)' : '';
    out.stderr(`ami ${sub ?? ''}: ${oneLine(err.message)}${hint}`.replace('ami : ', 'ami: '));
    return err.exitCode;
  }
}

if (require.main === module) {
  let builder: { id: Promise<string | undefined>; target: AwsTarget } | undefined;
  let interrupted = false;
  const write = (l: string) => process.stderr.write(l + '\n');
  // Once interrupted, only the signal handler speaks: the bake's own reaction to its vanishing builder is noise.
  const out: Out = { stdout: (l) => process.stdout.write(l + '\n'), stderr: (l) => interrupted || write(l) };
  // Interrupted mid-bake (Ctrl-C, terraform cancelled): terminate the builder before leaving, also one whose
  // launch is still in flight.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      const pending = builder;
      const done = () => process.exit(130);
      if (!pending) {
        write(`ami: interrupted by ${signal}`);
        return done();
      }
      void pending.id.then(async (id) => {
        write(`ami bake: interrupted by ${signal}${id ? `; terminating builder ${id}` : ''}`);
        if (!id) return done();
        await ec2Client(pending.target)
          .send(new TerminateInstancesCommand({ InstanceIds: [id] }))
          .catch(() => write(`ami bake: could not terminate builder ${id}: terminate it by hand`));
        done();
      });
    });
  }
  main(process.argv.slice(2), out, (id, target) => (builder = id && target ? { id, target } : undefined)).then(
    (code) => {
      if (!interrupted) process.exit(code); // else the signal handler exits 130 once the builder is dealt with
    },
    (e) => {
      process.stderr.write(`ami: unexpected error: ${oneLine(String(e?.message ?? e))}\n`);
      process.exit(EXIT.FAILED);
    },
  );
}
