import {
  _InstanceType,
  CreateImageCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
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
import { Deadline } from '../../lib/deadline';
import {
  MANAGED_BY_VALUE,
  TAG_BUILD_SCRIPT_HASH,
  TAG_BUILD_STATE,
  TAG_BUILD_STEP,
  TAG_BUILDER,
  TAG_BUILT_FROM,
  TAG_BASE_IMAGE,
  BASE_IMAGE,
  TAG_MANAGED_BY,
  TAG_NEO4J_EDITION,
  TAG_NEO4J_VERSION,
} from '../../contracts/ami';
import { Edition } from '../../contracts/ami-arguments';
import { BUILD_SCRIPT_PATH, buildScriptHash } from './build-script';
import { call } from './ec2';
import { AmiError, fromAwsError, isServerFault, oneLine } from './errors';
import { findBakedImage, pruneImages, PruneResult, tagValue } from './images';
import { DEFAULT_POLL, PollSettings, waitFor } from './wait';

/** The pinned base image (contracts/ami.ts BASE_IMAGE: the bake's trigger and the hosts' filter name it too). */
export const DEFAULT_BASE_IMAGE = BASE_IMAGE;

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
  /**
   * Seconds the whole command may take (--deadline): every phase above and every EC2 call ends by then. Two hours:
   * more than the phases' bounds together (1800 + 600 + 3600 + 120), well under a GitHub job's six.
   */
  deadlineSeconds: 7200,
} as const;

/**
 * Tag on the image and snapshots one bake creates, with a value unique to that run: an interrupted bake (or anyone
 * after it) finds exactly what that run made, even when the CreateImage answer never arrived.
 */
export const TAG_AMI_RUN = 'Neo4jAmiRun';

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
  /**
   * Called as CreateImage is sent, with the promise of the image id and this run's id (the TAG_AMI_RUN value on the
   * image and its snapshots): the CLI deregisters that image and deletes its snapshots on SIGINT/SIGTERM.
   */
  readonly onImageCreate?: (imageId: Promise<string | undefined>, runId: string) => void;
  /**
   * The whole command's deadline: every phase wait ends by it (its signal also bounds the client's calls when the
   * client was made with it). @default - DEFAULTS.deadlineSeconds from the start of bake
   */
  readonly deadline?: Deadline;
  /** This run's id (TAG_AMI_RUN). @default - a random UUID */
  readonly runId?: string;
  /**
   * A client for cleanup after a failure (its own short deadline: the bake's may have passed).
   * @default - the bake's client
   */
  readonly cleanupClient?: () => EC2Client;
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
    if (!script.includes(p))
      throw new AmiError({ kind: 'failed', message: `${BUILD_SCRIPT_PATH} lacks the placeholder ${p}` });
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
    throw new AmiError({
      kind: 'base-image-missing',
      message: `base image "${opts.baseImage.name}" (owner ${opts.baseImage.owner}) not found in ${opts.region}`,
    });
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
  const deadline = opts.deadline ?? new Deadline(DEFAULTS.deadlineSeconds * 1000);
  const runId = opts.runId ?? randomUUID();
  /** A phase's bound: its own timeout or what is left of the command's deadline, whichever is shorter. */
  const phaseMs = (seconds: number) => Math.min(seconds * 1000, deadline.remaining());
  const { match, otherScript } = await findBakedImage(
    ec2,
    { edition: opts.edition, version: opts.version, scriptHash, baseImageName: opts.baseImage.name },
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
  if (!builderId) throw new AmiError({ kind: 'failed', message: 'RunInstances returned no instance id' });
  let imageId: string | undefined;
  let imageDone = false;
  let failed = false;
  try {
    opts.log(
      `bake: waiting up to ${opts.timeoutSeconds} s for builder ${builderId} to report ${TAG_BUILD_STATE}=ready`,
    );
    await waitFor(
      `builder ${builderId} to report ready`,
      phaseMs(opts.timeoutSeconds),
      poll,
      async () => {
        const instance = await describeInstance(ec2, builderId, opts.endpoint);
        const state = tagValue(instance?.Tags, TAG_BUILD_STATE);
        if (state === 'ready') return true;
        if (state === 'failed') {
          const step = tagValue(instance?.Tags, TAG_BUILD_STEP);
          throw new AmiError({
            kind: 'failed',
            message: `builder ${builderId} reported the install failed${step ? ` at step "${step}"` : ''}`,
          });
        }
        const lifecycle = instance?.State?.Name;
        if (!instance || (lifecycle && lifecycle !== 'pending' && lifecycle !== 'running')) {
          throw new AmiError({
            kind: 'failed',
            message: `builder ${builderId} is ${lifecycle ?? 'gone'} before reporting ready`,
          });
        }
        return undefined;
      },
      deadline.signal,
    );

    opts.log(`bake: builder ready; stopping ${builderId} for a consistent image`);
    await call(ec2.send(new StopInstancesCommand({ InstanceIds: [builderId] })), 'StopInstances', opts.endpoint);
    await waitFor(
      `builder ${builderId} to stop`,
      phaseMs(opts.stopTimeoutSeconds ?? DEFAULTS.stopTimeoutSeconds),
      poll,
      async () => {
        const lifecycle = (await describeInstance(ec2, builderId, opts.endpoint))?.State?.Name;
        if (lifecycle === 'stopped') return true;
        if (lifecycle === 'terminated' || lifecycle === 'shutting-down')
          throw new AmiError({ kind: 'failed', message: `builder ${builderId} is ${lifecycle} while stopping` });
        return undefined;
      },
      deadline.signal,
    );

    // Image and snapshots carry ManagedBy (and this run's id) from their creation: the deployer policy lets the bake
    // tag, deregister and delete only what carries it, so an untagged snapshot could never be pruned; the run id lets
    // an interrupted bake find what it made even when the CreateImage answer never arrived.
    const creation: Tag[] = [...identity, { Key: TAG_AMI_RUN, Value: runId }];
    const createImage = (resourceTypes: ('image' | 'snapshot')[]) =>
      call(
        ec2.send(
          new CreateImageCommand({
            InstanceId: builderId,
            Name: imageName,
            Description: `Neo4j ${opts.edition} ${opts.version} on ${opts.baseImage.name}`,
            TagSpecifications: resourceTypes.map((ResourceType) => ({ ResourceType, Tags: creation })),
          }),
        ),
        'CreateImage',
        opts.endpoint,
      );
    const creating = (async () => {
      try {
        return await createImage(['image', 'snapshot']);
      } catch (err) {
        // moto 5.2 answers snapshot tag specifications with an HTML 500 page (AWS accepts them); the snapshots are
        // then tagged with the image's identity just below, which AWS would refuse a deployer (no ManagedBy yet).
        if (!isServerFault(err)) throw err;
        opts.log('bake: the endpoint refused snapshot tags at CreateImage; tagging the snapshots afterwards');
        return createImage(['image']);
      }
    })();
    // Recorded before anything waits on it: an interrupt from here on removes this run's image and snapshots.
    opts.onImageCreate?.(
      creating.then(
        (c) => c.ImageId,
        () => undefined,
      ),
      runId,
    );
    imageId = (await creating).ImageId;
    if (!imageId) throw new AmiError({ kind: 'failed', message: 'CreateImage returned no image id' });
    opts.log(`bake: creating ${imageId} (${imageName}, run ${runId})`);
    const image = await waitFor(
      `image ${imageId} to become available`,
      phaseMs(opts.imageTimeoutSeconds ?? DEFAULTS.imageTimeoutSeconds),
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
          throw new AmiError({
            kind: 'failed',
            message: `image ${imageId} is ${img.State}: ${oneLine(img.StateReason?.Message ?? 'no reason given')}`,
          });
        }
        return undefined;
      },
      deadline.signal,
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
            { Key: TAG_BASE_IMAGE, Value: opts.baseImage.name },
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
    if (!imageDone)
      await discardRunImages(cleanupClient(ec2, opts), { imageId, runId, endpoint: opts.endpoint, log: opts.log });
    throw err;
  } finally {
    await terminateBuilder(failed ? cleanupClient(ec2, opts) : ec2, builderId, opts, !failed);
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
      Math.min((opts.profileWaitSeconds ?? DEFAULTS.profileWaitSeconds) * 1000, opts.deadline?.remaining() ?? Infinity),
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
      opts.deadline?.signal,
    );
  } catch (e) {
    if (lastProblem && e instanceof AmiError && e.kind === 'timeout')
      throw new AmiError({ kind: 'failed', message: lastProblem });
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

/**
 * The client for cleanup after a failure: the bake's own client may be bound to a deadline that has passed, so
 * cleanup gets a client of its own with CLEANUP_SECONDS (bake's `cleanupClient` option; tests pass their client).
 */
function cleanupClient(ec2: EC2Client, opts: BakeOptions): EC2Client {
  return opts.cleanupClient?.() ?? ec2;
}

/** Seconds cleanup after a failure or an interrupt may take (terminate the builder, discard this run's image). */
export const CLEANUP_SECONDS = 60;

/**
 * Best effort: deregisters the image(s) one run created (by id, and by the run's tag, for an image whose CreateImage
 * answer never arrived) and deletes their snapshots (from the image's block devices and by the run's tag). An
 * unfinished image is never tagged with the version (so never used), but it would be left behind untracked.
 */
export async function discardRunImages(
  ec2: EC2Client,
  run: { imageId?: string; runId: string; endpoint: string; log: (line: string) => void },
): Promise<{ images: string[]; snapshots: string[] }> {
  const done = { images: [] as string[], snapshots: [] as string[] };
  try {
    const images = new Map<string, Image>();
    if (run.imageId) {
      const byId = await ec2.send(new DescribeImagesCommand({ ImageIds: [run.imageId] })).catch(() => undefined);
      for (const i of byId?.Images ?? []) if (i.ImageId) images.set(i.ImageId, i);
      if (!images.has(run.imageId)) images.set(run.imageId, { ImageId: run.imageId });
    }
    const byRun = await ec2.send(
      new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: `tag:${TAG_AMI_RUN}`, Values: [run.runId] }] }),
    );
    for (const i of byRun.Images ?? []) if (i.ImageId) images.set(i.ImageId, i);
    const snapshots = new Set<string>();
    for (const image of images.values()) {
      for (const m of image.BlockDeviceMappings ?? []) if (m.Ebs?.SnapshotId) snapshots.add(m.Ebs.SnapshotId);
    }
    for (const imageId of images.keys()) {
      await ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
      done.images.push(imageId);
    }
    const tagged = await ec2
      .send(
        new DescribeSnapshotsCommand({
          OwnerIds: ['self'],
          Filters: [{ Name: `tag:${TAG_AMI_RUN}`, Values: [run.runId] }],
        }),
      )
      .catch(() => undefined);
    for (const s of tagged?.Snapshots ?? []) if (s.SnapshotId) snapshots.add(s.SnapshotId);
    for (const snapshotId of snapshots) {
      await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
      done.snapshots.push(snapshotId);
    }
    if (done.images.length > 0)
      run.log(
        `bake: discarded unfinished image ${done.images.join(', ')} and snapshot(s) ${done.snapshots.join(', ') || 'none'}`,
      );
  } catch (e) {
    run.log(
      `bake: could not discard the image(s) of run ${run.runId}${run.imageId ? ` (${run.imageId})` : ''}: ${fromAwsError(e, 'cleanup', run.endpoint).message}`,
    );
  }
  return done;
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
