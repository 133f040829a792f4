/**
 * The test phase after a bake (`ami bake --test-image`): a test instance boots from the new image in a private subnet,
 * its user data (tools/ami/test-neo4j.sh) starts Neo4j with a throwaway password and checks over Bolt that it answers
 * with the expected version and edition, and tags the instance Neo4jImageTest=passed|failed (the builder's way of
 * reporting). Only then is the image (and its snapshots) tagged Neo4jImageTested=passed, the tag the hosts'
 * `data "aws_ami"` requires. A failed, timed-out or interrupted test deregisters the image and deletes its snapshots;
 * the test instance is terminated in every case.
 */
import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  Image,
  RunInstancesCommand,
  Tag,
  _InstanceType,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Edition } from '../../contracts/ami-arguments';
import {
  IMAGE_TEST_SCRIPT_RELATIVE_PATH,
  IMAGE_TESTED_VALUE,
  MANAGED_BY_VALUE,
  TAG_IMAGE_TEST_STATE,
  TAG_IMAGE_TESTED,
  TAG_IMAGE_UNDER_TEST,
  TAG_MANAGED_BY,
} from '../../contracts/ami';
import { Deadline, within } from '../../lib/deadline';
import { repoRoot } from '../../lib/paths';
import { CLEANUP_SECONDS } from './bake';
import { AwsTarget, call, ec2Client } from './ec2';
import { AmiError, fromAwsError } from './errors';
import { tagValue } from './images';
import { DEFAULT_POLL, PollSettings, waitFor } from './wait';

export const IMAGE_TEST_DEFAULTS = {
  /** Seconds the test instance gets to boot, start Neo4j and report (a cold boot and JVM start take minutes). */
  timeoutSeconds: 900,
  instanceType: 't3.medium',
} as const;

export interface TestImageOptions {
  readonly edition: Edition;
  readonly version: string;
  /** For messages: the endpoint the client talks to. */
  readonly endpoint: string;
  readonly instanceType?: string;
  /** Private subnet with NAT egress (the instance tags itself through the EC2 API). */
  readonly subnetId?: string;
  readonly securityGroupIds?: readonly string[];
  /** The builder's instance profile: ec2:CreateTags on instances tagged ManagedBy=credex-ami. */
  readonly instanceProfile?: string;
  /** @default IMAGE_TEST_DEFAULTS.timeoutSeconds */
  readonly timeoutSeconds?: number;
  readonly poll?: PollSettings;
  /** Ends the wait early (interrupt, the command's deadline): the image is discarded, the instance terminated. */
  readonly signal?: AbortSignal;
  /** Called as the test instance is launched, with the promise of its id: the CLI terminates it on SIGINT/SIGTERM. */
  readonly onTestLaunch?: (instanceId: Promise<string | undefined>) => void;
  /** A client for cleanup after a failure (its own short deadline). @default - the test's client */
  readonly cleanupClient?: () => EC2Client;
  readonly log: (line: string) => void;
}

export type TestImageResult =
  | { readonly action: 'already-tested'; readonly imageId: string }
  | { readonly action: 'tested'; readonly imageId: string; readonly testInstanceId: string };

/** The test instance's user data: test-neo4j.sh with the expected version and edition filled in. */
export function renderTestUserData(edition: Edition, version: string): string {
  const script = readFileSync(path.join(repoRoot(), IMAGE_TEST_SCRIPT_RELATIVE_PATH), 'utf8');
  return script.replaceAll('@NEO4J_VERSION@', version).replaceAll('@NEO4J_EDITION@', edition);
}

/** Tests `imageId` (see the file comment); resolves when the image is tagged tested, throws after discarding it. */
export async function testImage(ec2: EC2Client, imageId: string, opts: TestImageOptions): Promise<TestImageResult> {
  const described = await call(
    ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })),
    'DescribeImages',
    opts.endpoint,
  );
  const image = described.Images?.[0];
  if (!image) throw new AmiError({ kind: 'failed', message: `image ${imageId} not found` });
  if (tagValue(image.Tags, TAG_IMAGE_TESTED) === IMAGE_TESTED_VALUE) {
    opts.log(`test-image: ${imageId} was tested already`);
    return { action: 'already-tested', imageId };
  }

  const timeoutSeconds = opts.timeoutSeconds ?? IMAGE_TEST_DEFAULTS.timeoutSeconds;
  const tags: Tag[] = [
    { Key: 'Name', Value: `credex-neo4j-image-test-${opts.edition}-${opts.version}` },
    { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE },
    { Key: TAG_IMAGE_UNDER_TEST, Value: imageId },
    { Key: TAG_IMAGE_TEST_STATE, Value: 'pending' },
  ];
  const launch = call(
    ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: (opts.instanceType ?? IMAGE_TEST_DEFAULTS.instanceType) as _InstanceType,
        MinCount: 1,
        MaxCount: 1,
        ClientToken: randomUUID(),
        UserData: Buffer.from(renderTestUserData(opts.edition, opts.version)).toString('base64'),
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
        IamInstanceProfile: opts.instanceProfile ? { Name: opts.instanceProfile } : undefined,
        NetworkInterfaces: [
          {
            DeviceIndex: 0,
            SubnetId: opts.subnetId,
            Groups: opts.securityGroupIds && opts.securityGroupIds.length > 0 ? [...opts.securityGroupIds] : undefined,
            AssociatePublicIpAddress: false,
          },
        ],
        InstanceInitiatedShutdownBehavior: 'terminate',
        TagSpecifications: [
          { ResourceType: 'instance', Tags: tags },
          { ResourceType: 'volume', Tags: tags },
        ],
      }),
    ),
    'RunInstances (image test)',
    opts.endpoint,
  ).then((r) => r.Instances?.[0]?.InstanceId);
  opts.onTestLaunch?.(launch.catch(() => undefined));

  let instanceId: string | undefined;
  let passed = false;
  try {
    instanceId = await launch;
    if (!instanceId) throw new AmiError({ kind: 'failed', message: 'RunInstances (image test) returned no instance' });
    opts.log(
      `test-image: waiting up to ${timeoutSeconds} s for test instance ${instanceId} to report ${TAG_IMAGE_TEST_STATE}=passed`,
    );
    const id = instanceId;
    await waitFor(
      `test instance ${id} to report ${TAG_IMAGE_TEST_STATE}`,
      timeoutSeconds * 1000,
      opts.poll ?? DEFAULT_POLL,
      async () => {
        if (opts.signal?.aborted) throw new AmiError({ kind: 'failed', message: 'the image test was interrupted' });
        const out = await call(
          ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })),
          'DescribeInstances (image test)',
          opts.endpoint,
        );
        const instance = out.Reservations?.[0]?.Instances?.[0];
        const state = tagValue(instance?.Tags, TAG_IMAGE_TEST_STATE);
        if (state === 'passed') return true;
        if (state === 'failed')
          throw new AmiError({
            kind: 'failed',
            message: `the test instance ${id} reported ${TAG_IMAGE_TEST_STATE}=failed (${tagValue(instance?.Tags, `${TAG_IMAGE_TEST_STATE}Reason`) ?? 'no reason'}): Neo4j did not answer as ${opts.edition} ${opts.version}`,
          });
        const lifecycle = instance?.State?.Name;
        if (lifecycle && lifecycle !== 'pending' && lifecycle !== 'running')
          throw new AmiError({ kind: 'failed', message: `the test instance ${id} is ${lifecycle} before it reported` });
        return undefined;
      },
      opts.signal,
    );
    const snapshots = snapshotsOf(image);
    await call(
      ec2.send(
        new CreateTagsCommand({
          Resources: [imageId, ...snapshots],
          Tags: [{ Key: TAG_IMAGE_TESTED, Value: IMAGE_TESTED_VALUE }],
        }),
      ),
      'CreateTags (image tested)',
      opts.endpoint,
    );
    passed = true;
    opts.log(
      `test-image: ${imageId} answered as Neo4j ${opts.edition} ${opts.version}: tagged ${TAG_IMAGE_TESTED}=${IMAGE_TESTED_VALUE}`,
    );
    return { action: 'tested', imageId, testInstanceId: instanceId };
  } catch (err) {
    await discardImage(opts.cleanupClient?.() ?? ec2, image, opts.log);
    throw err;
  } finally {
    if (instanceId) await terminateTestInstance(passed ? ec2 : (opts.cleanupClient?.() ?? ec2), instanceId, opts.log);
  }
}

function snapshotsOf(image: Image): string[] {
  return (image.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId).filter((s): s is string => !!s);
}

/** Deregisters an image that failed its test, then deletes its snapshots (in that order: an image holds them). */
export async function discardImage(ec2: EC2Client, image: Image, log: (line: string) => void): Promise<void> {
  const imageId = image.ImageId!;
  try {
    await ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    const snapshots = snapshotsOf(image);
    for (const snapshotId of snapshots) await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    log(`test-image: deregistered ${imageId} and deleted snapshot(s) ${snapshots.join(', ') || 'none'}`);
  } catch (e) {
    log(`test-image: could not discard ${imageId}, remove it by hand: ${fromAwsError(e, 'cleanup', 'EC2').message}`);
  }
}

async function terminateTestInstance(ec2: EC2Client, instanceId: string, log: (line: string) => void): Promise<void> {
  try {
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    log(`test-image: terminated test instance ${instanceId}`);
  } catch (e) {
    log(
      `test-image: test instance ${instanceId} may still be running, terminate it by hand: ${fromAwsError(e, 'TerminateInstances', 'EC2').message}`,
    );
  }
}

/**
 * On SIGINT/SIGTERM during the image test: terminate the test instance (also one whose launch is in flight) and
 * discard the untested image with its snapshots, bounded by `CLEANUP_SECONDS` of the caller's client.
 */
export async function cleanUpInterruptedTest(
  target: AwsTarget,
  test: { readonly imageId: string; readonly instance?: Promise<string | undefined> },
  signal: string,
  write: (line: string) => void,
): Promise<void> {
  const limit = new Deadline(CLEANUP_SECONDS * 1000);
  const ec2 = ec2Client(target, limit.signal);
  try {
    const id = test.instance ? await within(test.instance, limit.signal).catch(() => undefined) : undefined;
    write(
      `ami bake: interrupted by ${signal} while testing ${test.imageId}${id ? `; terminating test instance ${id}` : ''}`,
    );
    if (id) await terminateTestInstance(ec2, id, write);
    const image = await ec2
      .send(new DescribeImagesCommand({ ImageIds: [test.imageId] }))
      .then((r) => r.Images?.[0])
      .catch(() => undefined);
    await discardImage(ec2, image ?? { ImageId: test.imageId }, write);
  } finally {
    limit.dispose();
    ec2.destroy();
  }
}
