import {
  _InstanceType,
  CreateImageCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  Image,
  Instance,
  RunInstancesCommand,
  StopInstancesCommand,
  Tag,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  MANAGED_BY_VALUE,
  TAG_BUILD_SCRIPT_HASH,
  TAG_BUILD_STATE,
  TAG_BUILD_STEP,
  TAG_BUILDER,
  TAG_BUILT_FROM,
  TAG_MANAGED_BY,
  TAG_NEO4J_EDITION,
  TAG_NEO4J_VERSION,
} from '../../contracts/ami';
import { Edition } from '../../contracts/ami-arguments';
import { BUILD_SCRIPT_PATH, buildScriptHash } from './build-script';
import { call } from './ec2';
import { AmiError, EXIT, fromAwsError, isServerFault, oneLine } from './errors';
import { findBakedImage, pruneImages, PruneResult, tagValue } from './images';
import { DEFAULT_POLL, PollSettings, waitFor } from './wait';

/**
 * The pinned base image: an exact Canonical Ubuntu 24.04 LTS (noble) server image name and Canonical's owner id.
 * Resolved to the AMI id of the bake's region; BuiltFrom records that id. Bump the date stamp on purpose
 * (docs/neo4j-ami.md says how to find the current one); a new pin means new images on the next bake only if
 * the install script or the Neo4j version also changes, so bump it together with one of those.
 */
export const DEFAULT_BASE_IMAGE = {
  name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423',
  owner: '099720109477',
} as const;

export const DEFAULTS = {
  instanceType: 't3.medium',
  /** Seconds the builder gets to install Neo4j and report ready. */
  timeoutSeconds: 1800,
  /** Seconds for the builder to stop and for the image to become available (AMI creation takes minutes). */
  stopTimeoutSeconds: 600,
  imageTimeoutSeconds: 3600,
  rootVolumeGiB: 16,
  /** Seconds a just-created instance profile gets to become usable by RunInstances (IAM is eventually consistent). */
  profileWaitSeconds: 120,
} as const;

export interface BakeOptions {
  readonly edition: Edition;
  readonly version: string;
  readonly region: string;
  /** For messages: the endpoint the client talks to. */
  readonly endpoint: string;
  /** Images kept per edition after a successful build. */
  readonly keep: number;
  readonly baseImage: { readonly name: string; readonly owner: string };
  readonly instanceType: string;
  /** Private subnet with NAT egress (apt needs the internet). @default - the default subnet */
  readonly subnetId?: string;
  readonly securityGroupIds?: readonly string[];
  /** Instance profile that allows the builder ec2:CreateTags on itself (how it reports ready). */
  readonly instanceProfile?: string;
  /** Seconds to wait for the builder to report ready. */
  readonly timeoutSeconds: number;
  readonly stopTimeoutSeconds?: number;
  readonly imageTimeoutSeconds?: number;
  readonly profileWaitSeconds?: number;
  readonly poll?: PollSettings;
  /**
   * Called when the builder launch is sent, with the promise of its instance id (undefined if the launch failed):
   * the CLI terminates that builder on SIGINT/SIGTERM, also when the signal arrives while the launch is in flight.
   */
  readonly onBuilderLaunch?: (instanceId: Promise<string | undefined>) => void;
  readonly log: (line: string) => void;
}

export type BakeResult =
  | { readonly action: 'reused'; readonly imageId: string; readonly imageName?: string }
  | {
      readonly action: 'built';
      readonly imageId: string;
      readonly imageName: string;
      readonly builderInstanceId: string;
      readonly baseImageId: string;
      readonly prune: PruneResult;
    };

const PLACEHOLDERS = { version: '@NEO4J_VERSION@', edition: '@NEO4J_EDITION@' } as const;

/** The builder's user data: install-neo4j.sh with the (validated) version and edition filled in. */
export function renderUserData(edition: Edition, version: string): string {
  const script = readFileSync(BUILD_SCRIPT_PATH, 'utf8');
  for (const p of Object.values(PLACEHOLDERS)) {
    if (!script.includes(p)) throw new AmiError(`${BUILD_SCRIPT_PATH} lacks the placeholder ${p}`);
  }
  return script.split(PLACEHOLDERS.version).join(version).split(PLACEHOLDERS.edition).join(edition);
}

async function resolveBaseImage(ec2: EC2Client, opts: BakeOptions): Promise<Image> {
  const res = await call(
    ec2.send(
      new DescribeImagesCommand({
        Owners: [opts.baseImage.owner],
        Filters: [{ Name: 'name', Values: [opts.baseImage.name] }],
        IncludeDeprecated: true,
      }),
    ),
    'DescribeImages (base image)',
    opts.endpoint,
  );
  const image = (res.Images ?? []).find((i) => i.Name === opts.baseImage.name && i.State === 'available');
  if (!image?.ImageId) {
    throw new AmiError(
      `base image "${opts.baseImage.name}" (owner ${opts.baseImage.owner}) not found in ${opts.region}`,
      EXIT.BASE_IMAGE_MISSING,
    );
  }
  return image;
}

async function describeInstance(ec2: EC2Client, instanceId: string, endpoint: string): Promise<Instance | undefined> {
  const res = await call(
    ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
    'DescribeInstances',
    endpoint,
  );
  return res.Reservations?.[0]?.Instances?.[0];
}

/**
 * Makes sure an image with Neo4j `version`/`edition` (built by the current install script) exists:
 * reuse it if present, else build one on a throw-away builder instance, then apply retention.
 * The builder is terminated in every case once launched, also when a step fails.
 */
export async function bake(ec2: EC2Client, opts: BakeOptions): Promise<BakeResult> {
  const scriptHash = buildScriptHash();
  const poll = opts.poll ?? DEFAULT_POLL;
  const { match, otherScript } = await findBakedImage(
    ec2,
    { edition: opts.edition, version: opts.version, scriptHash },
    opts.endpoint,
  );
  if (match?.ImageId) {
    opts.log(`bake: ${match.ImageId} (${match.Name}) already has Neo4j ${opts.edition} ${opts.version}: nothing to do`);
    return { action: 'reused', imageId: match.ImageId, imageName: match.Name };
  }
  if (otherScript) {
    opts.log(
      `bake: ${otherScript.ImageId} has Neo4j ${opts.edition} ${opts.version} from another install script: baking anew`,
    );
  }

  await reapStaleBuilders(ec2, opts);
  const base = await resolveBaseImage(ec2, opts);
  const baseImageId = base.ImageId!;
  const rootDevice = base.RootDeviceName ?? '/dev/sda1';
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const imageName = `credex-neo4j-${opts.edition}-${opts.version}-${stamp}`;
  const identity: Tag[] = [
    { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE },
    { Key: TAG_BUILDER, Value: `${opts.edition}-${opts.version}` },
  ];

  opts.log(
    `bake: launching a builder from ${baseImageId} (${opts.baseImage.name}) for Neo4j ${opts.edition} ${opts.version}`,
  );
  const runInstances = (clientToken: string) =>
    call(
      ec2.send(
        new RunInstancesCommand({
          ImageId: baseImageId,
          InstanceType: opts.instanceType as _InstanceType,
          MinCount: 1,
          MaxCount: 1,
          // Idempotent: an SDK retry after a lost answer must not launch a second builder.
          ClientToken: clientToken,
          UserData: Buffer.from(renderUserData(opts.edition, opts.version)).toString('base64'),
          MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
          BlockDeviceMappings: [
            {
              DeviceName: rootDevice,
              Ebs: {
                Encrypted: true,
                VolumeType: 'gp3',
                VolumeSize: DEFAULTS.rootVolumeGiB,
                DeleteOnTermination: true,
              },
            },
          ],
          NetworkInterfaces: [
            {
              DeviceIndex: 0,
              AssociatePublicIpAddress: false,
              DeleteOnTermination: true,
              ...(opts.subnetId ? { SubnetId: opts.subnetId } : {}),
              ...(opts.securityGroupIds?.length ? { Groups: [...opts.securityGroupIds] } : {}),
            },
          ],
          ...(opts.instanceProfile ? { IamInstanceProfile: { Name: opts.instanceProfile } } : {}),
          InstanceInitiatedShutdownBehavior: 'stop',
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'Name', Value: `neo4j-ami-builder-${opts.edition}-${opts.version}` },
                { Key: TAG_BUILD_STATE, Value: 'pending' },
                ...identity,
              ],
            },
            { ResourceType: 'volume', Tags: identity },
          ],
        }),
      ),
      'RunInstances (builder)',
      opts.endpoint,
    );
  const launch = launchWhenProfileVisible(runInstances, opts).then((res) => res.Instances?.[0]?.InstanceId);
  opts.onBuilderLaunch?.(launch.catch(() => undefined));
  const builderId = await launch;
  if (!builderId) throw new AmiError('RunInstances returned no instance id');
  let imageId: string | undefined;
  let imageDone = false;
  let failed = false;
  try {
    opts.log(
      `bake: waiting up to ${opts.timeoutSeconds} s for builder ${builderId} to report ${TAG_BUILD_STATE}=ready`,
    );
    await waitFor(`builder ${builderId} to report ready`, opts.timeoutSeconds * 1000, poll, async () => {
      const instance = await describeInstance(ec2, builderId, opts.endpoint);
      const state = tagValue(instance?.Tags, TAG_BUILD_STATE);
      if (state === 'ready') return true;
      if (state === 'failed') {
        const step = tagValue(instance?.Tags, TAG_BUILD_STEP);
        throw new AmiError(`builder ${builderId} reported the install failed${step ? ` at step "${step}"` : ''}`);
      }
      const lifecycle = instance?.State?.Name;
      if (!instance || (lifecycle && lifecycle !== 'pending' && lifecycle !== 'running')) {
        throw new AmiError(`builder ${builderId} is ${lifecycle ?? 'gone'} before reporting ready`);
      }
      return undefined;
    });

    opts.log(`bake: builder ready; stopping ${builderId} for a consistent image`);
    await call(ec2.send(new StopInstancesCommand({ InstanceIds: [builderId] })), 'StopInstances', opts.endpoint);
    await waitFor(
      `builder ${builderId} to stop`,
      (opts.stopTimeoutSeconds ?? DEFAULTS.stopTimeoutSeconds) * 1000,
      poll,
      async () => {
        const lifecycle = (await describeInstance(ec2, builderId, opts.endpoint))?.State?.Name;
        if (lifecycle === 'stopped') return true;
        if (lifecycle === 'terminated' || lifecycle === 'shutting-down')
          throw new AmiError(`builder ${builderId} is ${lifecycle} while stopping`);
        return undefined;
      },
    );

    // Image and snapshots carry ManagedBy from their creation: the deployer policy lets the bake tag, deregister
    // and delete only what carries it, so an untagged snapshot could never be pruned.
    const createImage = (resourceTypes: ('image' | 'snapshot')[]) =>
      call(
        ec2.send(
          new CreateImageCommand({
            InstanceId: builderId,
            Name: imageName,
            Description: `Neo4j ${opts.edition} ${opts.version} on ${opts.baseImage.name}`,
            TagSpecifications: resourceTypes.map((ResourceType) => ({ ResourceType, Tags: identity })),
          }),
        ),
        'CreateImage',
        opts.endpoint,
      );
    let created;
    try {
      created = await createImage(['image', 'snapshot']);
    } catch (err) {
      // moto 5.2 answers snapshot tag specifications with an HTML 500 page (AWS accepts them); the snapshots are
      // then tagged with the image's identity just below, which AWS would refuse a deployer (no ManagedBy yet).
      if (!isServerFault(err)) throw err;
      opts.log('bake: the endpoint refused snapshot tags at CreateImage; tagging the snapshots afterwards');
      created = await createImage(['image']);
    }
    imageId = created.ImageId;
    if (!imageId) throw new AmiError('CreateImage returned no image id');
    opts.log(`bake: creating ${imageId} (${imageName})`);
    const image = await waitFor(
      `image ${imageId} to become available`,
      (opts.imageTimeoutSeconds ?? DEFAULTS.imageTimeoutSeconds) * 1000,
      poll,
      async () => {
        const res = await call(
          ec2.send(new DescribeImagesCommand({ ImageIds: [imageId!] })),
          'DescribeImages',
          opts.endpoint,
        );
        const img = res.Images?.[0];
        if (img?.State === 'available') return img;
        if (img && img.State !== 'pending') {
          throw new AmiError(
            `image ${imageId} is ${img.State}: ${oneLine(img.StateReason?.Message ?? 'no reason given')}`,
          );
        }
        return undefined;
      },
    );

    // Tag last: the lookup (data "aws_ami" on these tags) only ever finds a finished image.
    const snapshots = (image.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId).filter((s): s is string => !!s);
    await call(
      ec2.send(
        new CreateTagsCommand({
          Resources: [imageId, ...snapshots],
          Tags: [
            ...identity,
            { Key: 'Name', Value: imageName },
            { Key: TAG_NEO4J_VERSION, Value: opts.version },
            { Key: TAG_NEO4J_EDITION, Value: opts.edition },
            { Key: TAG_BUILT_FROM, Value: baseImageId },
            { Key: TAG_BUILD_SCRIPT_HASH, Value: scriptHash },
          ],
        }),
      ),
      'CreateTags (image)',
      opts.endpoint,
    );
    imageDone = true;
    opts.log(
      `bake: ${imageId} is available and tagged ${TAG_NEO4J_VERSION}=${opts.version} ${TAG_NEO4J_EDITION}=${opts.edition}`,
    );
  } catch (err) {
    failed = true;
    if (imageId && !imageDone) await discardImage(ec2, imageId, opts);
    throw err;
  } finally {
    await terminateBuilder(ec2, builderId, opts, !failed);
  }

  const prune = await pruneImages(ec2, {
    edition: opts.edition,
    keep: opts.keep,
    endpoint: opts.endpoint,
    log: opts.log,
  });
  return { action: 'built', imageId, imageName, builderInstanceId: builderId, baseImageId, prune };
}

/**
 * A new instance profile (created in the same apply as the null_resource) takes a while to become usable by EC2:
 * RunInstances answers InvalidParameterValue "Invalid IAM Instance Profile name" meanwhile. Retry that error only,
 * with backoff, for at most `profileWaitSeconds`; a failed attempt launches nothing, so each try gets a new token.
 */
async function launchWhenProfileVisible<T>(run: (clientToken: string) => Promise<T>, opts: BakeOptions): Promise<T> {
  let lastProblem = '';
  try {
    return await waitFor(
      `instance profile ${opts.instanceProfile} to become usable`,
      (opts.profileWaitSeconds ?? DEFAULTS.profileWaitSeconds) * 1000,
      opts.poll ?? DEFAULT_POLL,
      async () => {
        try {
          return await run(randomUUID());
        } catch (e) {
          if (!opts.instanceProfile || !(e instanceof AmiError) || !/instance ?profile/i.test(e.message)) throw e;
          lastProblem = e.message;
          opts.log(`bake: instance profile ${opts.instanceProfile} not usable yet, retrying`);
          return undefined;
        }
      },
    );
  } catch (e) {
    if (lastProblem && e instanceof AmiError && e.kind === 'timeout') throw new AmiError(lastProblem);
    throw e;
  }
}

/**
 * A bake killed outright (SIGKILL, lost CI runner) cannot run its `finally`. Its builder is recognisable by tag and
 * by age: older than every bound of a bake together, no bake can still be waiting for it. Terminate such leftovers
 * of this edition and version before launching; younger ones may belong to a bake running right now and are left.
 */
async function reapStaleBuilders(ec2: EC2Client, opts: BakeOptions): Promise<void> {
  const maxBakeMs =
    (opts.timeoutSeconds +
      (opts.stopTimeoutSeconds ?? DEFAULTS.stopTimeoutSeconds) +
      (opts.imageTimeoutSeconds ?? DEFAULTS.imageTimeoutSeconds)) *
    1000;
  const res = await call(
    ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${TAG_BUILDER}`, Values: [`${opts.edition}-${opts.version}`] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
      }),
    ),
    'DescribeInstances (leftover builders)',
    opts.endpoint,
  );
  const stale = (res.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.InstanceId && i.LaunchTime && Date.now() - i.LaunchTime.getTime() > maxBakeMs)
    .map((i) => i.InstanceId!);
  if (stale.length === 0) return;
  await call(
    ec2.send(new TerminateInstancesCommand({ InstanceIds: stale })),
    'TerminateInstances (leftover builders)',
    opts.endpoint,
  );
  opts.log(`bake: terminated leftover builder(s) of an interrupted bake: ${stale.join(', ')}`);
}

/** Best effort: an unfinished image is never tagged (so never used), but it would be left behind untracked. */
async function discardImage(ec2: EC2Client, imageId: string, opts: BakeOptions): Promise<void> {
  try {
    const res = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    const snapshots = (res.Images?.[0]?.BlockDeviceMappings ?? [])
      .map((m) => m.Ebs?.SnapshotId)
      .filter((s): s is string => !!s);
    await ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    for (const snapshotId of snapshots) await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    opts.log(`bake: discarded unfinished image ${imageId}`);
  } catch (e) {
    opts.log(
      `bake: could not discard unfinished image ${imageId}: ${fromAwsError(e, 'cleanup', opts.endpoint).message}`,
    );
  }
}

/**
 * Terminates the builder. Runs in `finally`: if this fails while another error is propagating, that error wins
 * and the builder id is logged; if the bake otherwise succeeded, the failure to terminate fails the bake.
 */
async function terminateBuilder(
  ec2: EC2Client,
  builderId: string,
  opts: BakeOptions,
  failIfLeft: boolean,
): Promise<void> {
  try {
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [builderId] }));
    opts.log(`bake: terminated builder ${builderId}`);
  } catch (e) {
    const err = fromAwsError(e, `TerminateInstances ${builderId}`, opts.endpoint);
    opts.log(`bake: builder ${builderId} may still be running, terminate it by hand: ${err.message}`);
    if (failIfLeft)
      throw new AmiError({
        kind: err.kind,
        message: `${err.message} (builder ${builderId} left behind)`,
        httpStatus: err.httpStatus,
      });
  }
}
