/**
 * The contract between the infrastructure and the AMI command (tools/ami): the tag names a baked image carries
 * (the hosts' `data "aws_ami"` filters on them), the install script whose hash marks an image, and the exact
 * command line the `null_resource`'s local-exec runs. Pure: no file system, no AWS SDK.
 */
import { createHash } from 'node:crypto';
import { Edition, editionProblem, keepProblem, regionProblem, versionProblem } from './ami-arguments';

/** Tag names on baked images (and their snapshots). `data "aws_ami"` filters on the first two. */
export const TAG_NEO4J_VERSION = 'Neo4jVersion';
export const TAG_NEO4J_EDITION = 'Neo4jEdition';
/** The base image id the image was built from. */
export const TAG_BUILT_FROM = 'BuiltFrom';
/**
 * The base image's name (BASE_IMAGE.name): a bake reuses an image only when it was built from the pinned base image,
 * and the hosts' `data "aws_ami"` filters on it, so a base-image bump bakes and rolls a new image.
 */
export const TAG_BASE_IMAGE = 'Neo4jBaseImage';

/**
 * The pinned base image: an exact Canonical Ubuntu 24.04 LTS (noble) server image name and Canonical's owner id,
 * resolved to the AMI id of the bake's region (BuiltFrom records that id). Bump the date stamp on purpose
 * (docs/neo4j-ami.md says how to find the current one): the bake's trigger and the hosts' image filter include
 * the name, so the next apply bakes a new image and replaces the hosts (docs/deployer-guide.md, AMI update).
 */
export const BASE_IMAGE = {
  name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423',
  owner: '099720109477',
} as const;

/** sha256 of install-neo4j.sh at bake time: an image built by another script version is not reused. */
export const TAG_BUILD_SCRIPT_HASH = 'Neo4jBuildScriptHash';
/** Marks everything the AMI command creates (value: MANAGED_BY_VALUE). */
export const TAG_MANAGED_BY = 'ManagedBy';
export const MANAGED_BY_VALUE = 'credex-ami';

/**
 * Set on an image (value IMAGE_TESTED_VALUE) only after a test instance booted from it and proved that Neo4j answers
 * with the expected version and edition; the hosts' `data "aws_ami"` accepts tested images only.
 */
export const TAG_IMAGE_TESTED = 'Neo4jImageTested';
export const IMAGE_TESTED_VALUE = 'passed';
/** Tags on a test instance: which image it tests, and the verdict its boot check writes (passed or failed). */
export const TAG_IMAGE_UNDER_TEST = 'Neo4jImageUnderTest';
export const TAG_IMAGE_TEST_STATE = 'Neo4jImageTest';
/** The test instance's boot check (its user data), relative to the repository root. */
export const IMAGE_TEST_SCRIPT_RELATIVE_PATH = 'tools/ami/test-neo4j.sh';

/** Tags on the builder instance: the install script sets Neo4jBuild to ready or failed. */
export const TAG_BUILD_STATE = 'Neo4jBuild';
export const TAG_BUILD_STEP = 'Neo4jBuildStep';
export const TAG_BUILDER = 'Neo4jAmiBuilder';

/** The install script (the builder's user data), relative to the repository root. */
export const BUILD_SCRIPT_RELATIVE_PATH = 'tools/ami/install-neo4j.sh';

/** sha256 (hex) of the install script's bytes: the hosts' image filter and the bake's reuse test agree on it. */
export function buildScriptHashOf(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export interface AmiCommandOptions {
  readonly edition: Edition;
  readonly version: string;
  readonly region: string;
  /** Images kept per edition (config/global.ts amiRetention). */
  readonly keep: number;
  /** Private subnet (with NAT egress) for the builder. @default - the account's default subnet */
  readonly subnetId?: string;
  /** Instance profile that lets the builder tag itself. @default - none: the builder cannot report and the bake times out */
  readonly instanceProfile?: string;
  /** Base image name and owner. @default BASE_IMAGE */
  readonly baseImage?: { readonly name: string; readonly owner: string };
}

const IMAGE_NAME = /^[A-Za-z0-9()./_-]{3,128}$/;

const AWS_ID = /^[A-Za-z0-9+=,.@_-]+$/;

/**
 * The exact shell command the null_resource's local-exec runs (from the repository root).
 * Throws on invalid input, naming the bad value, so a typo fails at synth time rather than at apply time.
 */
export function amiCommand(opts: AmiCommandOptions): string {
  const problem =
    editionProblem(opts.edition) ??
    versionProblem(opts.version) ??
    regionProblem(opts.region) ??
    keepProblem(opts.keep);
  if (problem) throw new Error(`amiCommand: ${problem}`);
  const args = [
    'bake',
    '--edition',
    opts.edition,
    '--version',
    opts.version,
    '--region',
    opts.region,
    '--keep',
    String(opts.keep),
  ];
  for (const [flag, value] of [
    ['--subnet-id', opts.subnetId],
    ['--instance-profile', opts.instanceProfile],
  ] as const) {
    if (value === undefined) continue;
    // Unresolved tokens (${...}) are passed through as Terraform interpolations; literals must be plain ids.
    if (!AWS_ID.test(value) && !/^\$\{[^}]+\}$/.test(value)) throw new Error(`amiCommand: invalid ${flag} "${value}"`);
    args.push(flag, value);
  }
  const base = opts.baseImage ?? BASE_IMAGE;
  if (!IMAGE_NAME.test(base.name)) throw new Error(`amiCommand: invalid --base-image "${base.name}"`);
  if (!/^[0-9]{12}$|^amazon$|^self$/.test(base.owner))
    throw new Error(`amiCommand: invalid --base-image-owner "${base.owner}"`);
  args.push('--base-image', base.name, '--base-image-owner', base.owner);
  // Test the image before the hosts may use it: only a tested image carries TAG_IMAGE_TESTED.
  args.push('--test-image');
  return `npm run -s ami -- ${args.join(' ')}`;
}
