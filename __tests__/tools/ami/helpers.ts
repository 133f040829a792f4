import {
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  Instance,
  RegisterImageCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { MOTO_CLIENT_CONFIG } from '../../support/moto';
import {
  BASE_IMAGE,
  TAG_BASE_IMAGE,
  TAG_BUILD_SCRIPT_HASH,
  TAG_BUILDER,
  TAG_BUILD_STATE,
  TAG_BUILD_STEP,
  TAG_NEO4J_EDITION,
  TAG_NEO4J_VERSION,
} from '../../../contracts/ami';
import { buildScriptHash } from '../../../tools/ami/build-script';

/** Base image pin used in the tests: moto cannot hold Canonical's images, so the test account owns one by that name. */
export const BASE = {
  name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423',
  owner: 'self',
} as const;

export function client(endpoint: string): EC2Client {
  return new EC2Client({ ...MOTO_CLIENT_CONFIG, endpoint });
}

export async function registerBaseImage(ec2: EC2Client, name: string = BASE.name): Promise<string> {
  const res = await ec2.send(
    new RegisterImageCommand({
      Name: name,
      RootDeviceName: '/dev/sda1',
      Architecture: 'x86_64',
      VirtualizationType: 'hvm',
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8 } }],
    }),
  );
  return res.ImageId!;
}

/** An image as a finished bake of the current install script on `baseImageName` leaves it: registered and tagged. */
export async function bakedImage(
  ec2: EC2Client,
  edition: string,
  version: string,
  baseImageName: string = BASE_IMAGE.name,
): Promise<string> {
  const imageId = await registerBaseImage(ec2, `credex-neo4j-${edition}-${version}-20260101T000000`);
  await ec2.send(
    new CreateTagsCommand({
      Resources: [imageId],
      Tags: [
        { Key: TAG_NEO4J_VERSION, Value: version },
        { Key: TAG_NEO4J_EDITION, Value: edition },
        { Key: TAG_BUILD_SCRIPT_HASH, Value: buildScriptHash() },
        { Key: TAG_BASE_IMAGE, Value: baseImageName },
      ],
    }),
  );
  return imageId;
}

/** Every instance moto knows, in any state. */
export async function allInstances(ec2: EC2Client): Promise<Instance[]> {
  const res = await ec2.send(new DescribeInstancesCommand({}));
  return (res.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

export async function builders(ec2: EC2Client): Promise<Instance[]> {
  return (await allInstances(ec2)).filter((i) => i.Tags?.some((t) => t.Key === TAG_BUILDER));
}

export type BuilderPart = 'ready' | 'failed' | 'silent' | 'terminate';

/**
 * Plays the builder's part through the EC2 API (moto does not run user data): waits for the bake to launch a
 * builder, then does what install-neo4j.sh does at its end (tags Neo4jBuild=ready|failed), or stays silent,
 * or terminates it as if the instance died. Resolves with the builder instance.
 */
export async function playBuilder(
  ec2: EC2Client,
  part: BuilderPart,
  inspect: (builder: Instance) => Promise<void> = async () => undefined,
  timeoutMs = 15_000,
): Promise<Instance> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const launched = (await builders(ec2)).find((i) =>
      i.Tags?.some((t) => t.Key === TAG_BUILD_STATE && t.Value === 'pending'),
    );
    if (launched) {
      const id = launched.InstanceId!;
      await inspect(launched);
      if (part === 'ready')
        await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: TAG_BUILD_STATE, Value: 'ready' }] }));
      if (part === 'failed') {
        await ec2.send(
          new CreateTagsCommand({
            Resources: [id],
            Tags: [
              { Key: TAG_BUILD_STATE, Value: 'failed' },
              { Key: TAG_BUILD_STEP, Value: 'neo4j-install' },
            ],
          }),
        );
      }
      if (part === 'terminate') await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      return launched;
    }
    if (Date.now() > deadline) throw new Error('no builder instance was launched');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function ownImages(ec2: EC2Client) {
  return (await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? [];
}

export async function ownSnapshots(ec2: EC2Client) {
  return (await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots ?? [];
}

export function tag(tags: readonly { Key?: string; Value?: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

export const FAST_POLL = { initialDelayMs: 20, maxDelayMs: 100 } as const;
