/**
 * `npm run -s ami -- <subcommand> ...`: bakes, prunes and checks the Neo4j images of the Neo4j hosts.
 * Exit codes: see EXIT in ./errors.ts, `ami --help` and docs/neo4j-ami.md. Every failure is one line on stderr.
 */

import { EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { Deadline, within } from '../../lib/deadline';
import { cleanUpInterruptedTest, IMAGE_TEST_DEFAULTS, testImage, TestImageResult } from './image-test-phase';
import { Edition, editionProblem, keepProblem, regionProblem, versionProblem } from '../../contracts/ami-arguments';
import { globalConfig } from '../../config/global';
import {
  renderHelp,
  runCommand,
  runMain,
  type CliIo,
  type CommandLine,
  type CommandSpec,
  type OptionSpecs,
} from '../../lib/cli';
import { ExitCode, type ExitCodeValue } from '../../lib/exit-codes';
import { bake, CLEANUP_SECONDS, DEFAULT_BASE_IMAGE, DEFAULTS, discardRunImages } from './bake';
import { checkVersion, DEFAULT_SOURCE_URL, describeCheck } from './check-version';
import { AwsTarget, ec2Client, endpointLabel } from './ec2';
import { EXIT, UsageError } from './errors';
import { pruneImages } from './images';

/** Images kept per edition unless --keep says otherwise: config/global.ts amiRetention. */
const DEFAULT_KEEP = globalConfig.amiRetention;

const FAILED: readonly [ExitCodeValue, string] = [
  EXIT.FAILED,
  'failed: builder reported failure, timed out or died; an AWS call was refused; an unusable answer',
];
const USAGE: readonly [ExitCodeValue, string] = [
  EXIT.USAGE,
  'no verdict: usage error (unknown option, edition, malformed version or region) or internal error',
];
const UNREACHABLE: readonly [ExitCodeValue, string] = [
  EXIT.UNREACHABLE,
  'the EC2 endpoint or the release source refused, timed out or did not resolve',
];
const INTERRUPTED: readonly [ExitCodeValue, string] = [
  ExitCode.INTERRUPTED,
  'interrupted (SIGINT, SIGTERM); a bake terminates its builder first',
];

const REGION = { type: 'string', value: 'REGION', description: 'AWS region, e.g. af-south-1 (required)' } as const;
const ENDPOINT = {
  type: 'string',
  value: 'URL',
  description: 'EC2 endpoint override (moto, LocalStack, a VPC endpoint)',
} as const;
const EDITION = { type: 'string', value: 'community|enterprise', description: 'Neo4j edition (required)' } as const;
const KEEP = {
  type: 'string',
  value: 'N',
  description: `images kept per edition (default ${DEFAULT_KEEP}, config/global.ts amiRetention)`,
} as const;
const DEADLINE = {
  type: 'string',
  value: 'SECONDS',
  description: `total deadline of the command: every phase and EC2 call ends by it (default ${DEFAULTS.deadlineSeconds})`,
} as const;
const JSON_OUT = {
  type: 'boolean',
  description: 'print the result as JSON on stdout (progress goes to stderr)',
} as const;

const BAKE = {
  name: 'ami bake',
  usage: 'npm run -s ami -- bake --edition community|enterprise --version X.Y.Z --region REGION [options]',
  description:
    'Reuses the image tagged Neo4jVersion/Neo4jEdition (same install script) or builds one on a throw-away builder\n' +
    'instance, then prunes. (--version here is the Neo4j version; `ami --version` prints the tool version.)',
  options: {
    edition: EDITION,
    version: { type: 'string', value: 'X.Y.Z', description: 'Neo4j release to install, e.g. 5.26.19 (required)' },
    region: REGION,
    keep: KEEP,
    'endpoint-url': ENDPOINT,
    'base-image': {
      type: 'string',
      value: 'NAME',
      description: `base image name (default ${DEFAULT_BASE_IMAGE.name})`,
    },
    'base-image-owner': {
      type: 'string',
      value: 'ID',
      description: `base image owner (default ${DEFAULT_BASE_IMAGE.owner})`,
    },
    'instance-type': {
      type: 'string',
      value: 'TYPE',
      description: `builder instance type (default ${DEFAULTS.instanceType})`,
    },
    'subnet-id': { type: 'string', value: 'ID', description: 'builder subnet (default: the default VPC)' },
    'security-group-id': { type: 'string', value: 'ID', multiple: true, description: 'builder security group' },
    'instance-profile': { type: 'string', value: 'NAME', description: 'builder instance profile' },
    timeout: {
      type: 'string',
      value: 'SECONDS',
      description: `how long the builder gets to report ready (default ${DEFAULTS.timeoutSeconds})`,
    },
    'test-image': {
      type: 'boolean',
      description:
        'then boot a test instance from the image and tag the image Neo4jImageTested=passed only if Neo4j answers with this version and edition (a failed test deregisters it); the hosts boot tested images only',
    },
    'test-timeout': {
      type: 'string',
      value: 'SECONDS',
      description: `how long the test instance gets to report (default ${IMAGE_TEST_DEFAULTS.timeoutSeconds})`,
    },
    deadline: DEADLINE,
    json: JSON_OUT,
  },
  examples: [
    'npm run -s ami -- bake --edition community --version 5.26.19 --region af-south-1',
    'npm run -s ami -- bake --edition community --version 5.26.19 --region af-south-1 --test-image',
    'npm run -s ami -- bake --edition community --version 5.26.19 --region af-south-1 --endpoint-url http://127.0.0.1:5000 --json',
  ],
  exitCodes: [
    [EXIT.OK, 'image built, or already present'],
    FAILED,
    USAGE,
    UNREACHABLE,
    [EXIT.BASE_IMAGE_MISSING, 'the pinned base image does not exist in the region'],
    INTERRUPTED,
  ],
} as const satisfies CommandSpec;

const PRUNE = {
  name: 'ami prune',
  usage:
    'npm run -s ami -- prune --edition community|enterprise --region REGION [--keep N] [--endpoint-url URL] [--json]',
  description: 'Keeps the newest N images of the edition; deregisters older ones and deletes their snapshots.',
  options: {
    edition: EDITION,
    region: REGION,
    keep: KEEP,
    'endpoint-url': ENDPOINT,
    deadline: { ...DEADLINE, description: 'total deadline of the command (default 600)' },
    json: JSON_OUT,
  },
  examples: ['npm run -s ami -- prune --edition community --region af-south-1 --keep 3'],
  exitCodes: [
    [EXIT.OK, 'prune finished'],
    [EXIT.FAILED, 'failed: an AWS call was refused, or snapshots were left behind'],
    USAGE,
    UNREACHABLE,
    INTERRUPTED,
  ],
} as const satisfies CommandSpec;

const CHECK_VERSION = {
  name: 'ami check-version',
  usage: 'npm run -s ami -- check-version --version X.Y.Z [--source-url URL] [--timeout SECONDS] [--json]',
  description:
    "Compares the version with the newest release of its line (5.26 LTS, or calendar) in Maven Central's list.",
  options: {
    version: { type: 'string', value: 'X.Y.Z', description: 'the configured Neo4j version (required)' },
    'source-url': {
      type: 'string',
      value: 'URL',
      description: `maven-metadata.xml to read (default ${DEFAULT_SOURCE_URL})`,
    },
    timeout: { type: 'string', value: 'SECONDS', description: 'budget for the request (default 15)' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  examples: ['npm run -s ami -- check-version --version 5.26.19 --json'],
  exitCodes: [
    [EXIT.OK, 'the configured version is the newest of its line'],
    [EXIT.FAILED, 'failed: unusable answer (HTTP error, no versions listed)'],
    USAGE,
    UNREACHABLE,
    [EXIT.NEWER_AVAILABLE, "a newer release exists in the configured version's line"],
    [EXIT.NOT_PUBLISHED, 'the configured version is not a published release'],
    INTERRUPTED,
  ],
} as const satisfies CommandSpec;

const AMI = {
  name: 'ami',
  usage: ['npm run -s ami -- <subcommand> [options]', 'npm run -s ami -- <subcommand> --help'],
  description: 'Bakes, prunes and checks the Neo4j images of the Neo4j hosts (docs/neo4j-ami.md).',
  subcommands: [
    ['bake', 'Builds the image of a Neo4j version and edition (or reuses it), then prunes'],
    ['prune', PRUNE.description],
    ['check-version', 'Compares the version with the newest release of its line'],
    ['help', 'this text'],
  ],
  arguments: [],
  options: {},
  examples: [...BAKE.examples.slice(0, 1), ...PRUNE.examples, ...CHECK_VERSION.examples],
  exitCodes: [
    [EXIT.OK, 'done/up to date'],
    [EXIT.FAILED, 'failed'],
    [EXIT.USAGE, 'no verdict: usage error or internal error'],
    [EXIT.UNREACHABLE, 'endpoint or source unreachable'],
    [EXIT.BASE_IMAGE_MISSING, 'base image not found'],
    [EXIT.NEWER_AVAILABLE, 'check-version: newer version available'],
    [EXIT.NOT_PUBLISHED, 'check-version: version not published'],
    [ExitCode.INTERRUPTED, 'interrupted (SIGINT, SIGTERM)'],
  ],
} as const satisfies CommandSpec;

function check(problem: string | undefined): void {
  if (problem) throw new UsageError(problem);
}

function wholeNumber(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} must be a whole number, got "${raw}"`);
  return Number(raw);
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

/**
 * What a running bake has created, as far as the CLI must clean up on SIGINT/SIGTERM: the builder (its id to come),
 * the image (its id to come, and the run id it is tagged with). `done` means bake has dealt with both itself.
 */
export interface BakeRecord {
  target?: AwsTarget;
  builder?: Promise<string | undefined>;
  image?: { readonly id: Promise<string | undefined>; readonly runId: string };
  done?: boolean;
  /** The image test after the bake (--test-image): its instance (id to come) and the image it tests. */
  test?: { readonly imageId: string; instance?: Promise<string | undefined>; done?: boolean };
}

type Values<S extends { options: OptionSpecs }> = CommandLine<S['options']>['values'];

/** Seconds of prune's default deadline. */
const PRUNE_DEADLINE_SECONDS = 600;

function deadlineOf(raw: string | undefined, fallback: number): Deadline {
  const seconds = wholeNumber(raw, '--deadline', fallback);
  if (seconds < 1) throw new UsageError('--deadline must be at least 1 second');
  return new Deadline(seconds * 1000);
}

async function runBake(v: Values<typeof BAKE>, out: CliIo, record: BakeRecord): Promise<number> {
  check(editionProblem(v.edition));
  check(versionProblem(v.version));
  check(regionProblem(v.region));
  const keep = wholeNumber(v.keep, '--keep', DEFAULT_KEEP);
  check(keepProblem(keep));
  const timeoutSeconds = wholeNumber(v.timeout, '--timeout', DEFAULTS.timeoutSeconds);
  if (timeoutSeconds < 1) throw new UsageError('--timeout must be at least 1 second');
  const deadline = deadlineOf(v.deadline, DEFAULTS.deadlineSeconds);
  const target = { region: v.region!, endpoint: v['endpoint-url'] && httpUrl(v['endpoint-url'], '--endpoint-url') };
  const ec2 = ec2Client(target, deadline.signal);
  record.target = target;
  const log = v.json ? out.stderr : out.stdout;
  const result = await bake(ec2, {
    edition: v.edition as Edition,
    version: v.version!,
    region: v.region!,
    endpoint: endpointLabel(target),
    keep,
    baseImage: {
      name: v['base-image'] ?? DEFAULT_BASE_IMAGE.name,
      owner: v['base-image-owner'] ?? DEFAULT_BASE_IMAGE.owner,
    },
    instanceType: v['instance-type'] ?? DEFAULTS.instanceType,
    subnetId: v['subnet-id'],
    securityGroupIds: v['security-group-id'] ?? [],
    instanceProfile: v['instance-profile'],
    timeoutSeconds,
    deadline,
    onBuilderLaunch: (id) => (record.builder = id),
    onImageCreate: (id, runId) => (record.image = { id, runId }),
    cleanupClient: () => ec2Client(target, new Deadline(CLEANUP_SECONDS * 1000).signal),
    log,
  }).finally(() => {
    record.done = true;
    if (!v['test-image']) deadline.dispose();
  });
  // The test phase (tools/ami/image-test-phase.ts): only a tested image is ever tagged for the hosts.
  const tested = v['test-image']
    ? await runImageTest(ec2, result.imageId, v, { target, deadline, log, record }).finally(() => deadline.dispose())
    : undefined;
  if (v.json) out.stdout(JSON.stringify(tested ? { ...result, test: tested } : result));
  else out.stdout(`${result.action === 'built' ? 'built' : 'reused'} ${result.imageId}`);
  return EXIT.OK;
}

async function runImageTest(
  ec2: EC2Client,
  imageId: string,
  v: Values<typeof BAKE>,
  ctx: { target: AwsTarget; deadline: Deadline; log: (line: string) => void; record: BakeRecord },
): Promise<TestImageResult> {
  const test: NonNullable<BakeRecord['test']> = { imageId };
  ctx.record.test = test;
  return testImage(ec2, imageId, {
    edition: v.edition as Edition,
    version: v.version!,
    endpoint: endpointLabel(ctx.target),
    instanceType: v['instance-type'] ?? IMAGE_TEST_DEFAULTS.instanceType,
    subnetId: v['subnet-id'],
    securityGroupIds: v['security-group-id'] ?? [],
    instanceProfile: v['instance-profile'],
    timeoutSeconds: wholeNumber(v['test-timeout'], '--test-timeout', IMAGE_TEST_DEFAULTS.timeoutSeconds),
    signal: ctx.deadline.signal,
    onTestLaunch: (id) => (test.instance = id),
    cleanupClient: () => ec2Client(ctx.target, new Deadline(CLEANUP_SECONDS * 1000).signal),
    log: ctx.log,
  }).finally(() => (test.done = true));
}

async function runPrune(v: Values<typeof PRUNE>, out: CliIo): Promise<number> {
  check(editionProblem(v.edition));
  check(regionProblem(v.region));
  const keep = wholeNumber(v.keep, '--keep', DEFAULT_KEEP);
  check(keepProblem(keep));
  const deadline = deadlineOf(v.deadline, PRUNE_DEADLINE_SECONDS);
  const target = { region: v.region!, endpoint: v['endpoint-url'] && httpUrl(v['endpoint-url'], '--endpoint-url') };
  const result = await pruneImages(ec2Client(target, deadline.signal), {
    edition: v.edition as Edition,
    keep,
    endpoint: endpointLabel(target),
    log: v.json ? out.stderr : out.stdout,
  });
  if (v.json) out.stdout(JSON.stringify(result));
  else
    out.stdout(
      `kept ${result.kept.length + result.keptInUse.length}, deregistered ${result.deregistered.length}` +
        (result.orphans.length ? ` (${result.orphans.length} unfinished)` : ''),
    );
  deadline.dispose();
  return EXIT.OK;
}

async function runCheckVersion(v: Values<typeof CHECK_VERSION>, out: CliIo): Promise<number> {
  check(versionProblem(v.version));
  const source = httpUrl(v['source-url'] ?? DEFAULT_SOURCE_URL, '--source-url');
  const timeoutSeconds = wholeNumber(v.timeout, '--timeout', 15);
  if (timeoutSeconds < 1) throw new UsageError('--timeout must be at least 1 second');
  const result = await checkVersion(v.version!, source, timeoutSeconds * 1000);
  out.stdout(v.json ? JSON.stringify(result) : describeCheck(result));
  return result.exitCode;
}

/** Runs one command line; returns the exit code. Never throws. */
export function main(argv: readonly string[], out: CliIo, record: BakeRecord = {}): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'bake':
      return runCommand(BAKE, rest, ({ values }) => runBake(values, out, record), out);
    case 'prune':
      return runCommand(PRUNE, rest, ({ values }) => runPrune(values, out), out);
    case 'check-version':
      return runCommand(CHECK_VERSION, rest, ({ values }) => runCheckVersion(values, out), out);
    default:
      return runCommand(
        AMI,
        argv,
        ({ positionals }) => {
          if (positionals[0] === 'help') {
            out.stdout(renderHelp(AMI));
            return EXIT.OK;
          }
          if (positionals.length === 0) throw new UsageError('missing subcommand: bake, prune, check-version or help');
          throw new UsageError(`unknown subcommand "${positionals[0]}": expected bake, prune, check-version or help`);
        },
        out,
      );
  }
}

/**
 * On SIGINT/SIGTERM during a bake: terminate the builder (also one whose launch is in flight) and remove the image this
 * run created (also one whose CreateImage is in flight: its answer is awaited, and the run's tag finds it otherwise)
 * with its snapshots. Bounded by CLEANUP_SECONDS; prints what it did on stderr.
 */
export async function cleanUpInterruptedBake(
  record: BakeRecord,
  signal: string,
  write: (line: string) => void,
): Promise<void> {
  if (record.target && record.test && !record.test.done) {
    await cleanUpInterruptedTest(record.target, record.test, signal, write);
    return;
  }
  if (!record.target || record.done || (!record.builder && !record.image)) {
    write(`ami: interrupted by ${signal}`);
    return;
  }
  const limit = new Deadline(CLEANUP_SECONDS * 1000);
  const ec2 = ec2Client(record.target, limit.signal);
  try {
    const id = record.builder ? await within(record.builder, limit.signal).catch(() => undefined) : undefined;
    write(`ami bake: interrupted by ${signal}${id ? `; terminating builder ${id}` : ''}`);
    if (id) {
      await ec2
        .send(new TerminateInstancesCommand({ InstanceIds: [id] }))
        .catch(() => write(`ami bake: could not terminate builder ${id}: terminate it by hand`));
    }
    if (record.image) {
      const imageId = await within(record.image.id, limit.signal).catch(() => undefined);
      const lines: string[] = [];
      const gone = await discardRunImages(ec2, {
        imageId,
        runId: record.image.runId,
        endpoint: endpointLabel(record.target),
        log: (l) => lines.push(l),
      });
      if (gone.images.length > 0)
        write(
          `ami bake: deregistered ${gone.images.join(', ')}; deleted ${gone.snapshots.join(', ') || 'no snapshots'}`,
        );
      else if (lines.length > 0) write(lines.join('; '));
    }
  } finally {
    limit.dispose();
    ec2.destroy();
  }
}

if (require.main === module) {
  const record: BakeRecord = {};
  let interrupted = false;
  const write = (l: string) => process.stderr.write(l + '\n');
  // Once interrupted, only the signal handler speaks: the bake's own reaction to its vanishing builder is noise.
  const out: CliIo = { stdout: (l) => process.stdout.write(l + '\n'), stderr: (l) => void (interrupted || write(l)) };
  runMain('ami', () => main(process.argv.slice(2), out, record), {
    // Interrupted mid-bake (Ctrl-C, terraform cancelled): terminate the builder and remove this run's image before
    // leaving (exit 130).
    onInterrupt: async (signal) => {
      interrupted = true;
      await cleanUpInterruptedBake(record, signal, write);
    },
  });
}
