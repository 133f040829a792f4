/**
 * The bake command end to end against a real EC2 API (moto server): the test plays the builder's part through
 * the EC2 API because moto does not execute user data.
 */
import {
  CreateTagsCommand,
  DescribeInstanceAttributeCommand,
  DescribeVolumesCommand,
  EC2Client,
  Instance,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { execFile } from 'node:child_process';
import { bake, BakeOptions } from '../../../tools/ami/bake';
import {
  MANAGED_BY_VALUE,
  TAG_MANAGED_BY,
  TAG_BUILD_SCRIPT_HASH,
  TAG_BUILDER,
  TAG_BUILT_FROM,
  TAG_NEO4J_EDITION,
  TAG_NEO4J_VERSION,
} from '../../../contracts/ami';
import { buildScriptHash } from '../../../tools/ami/build-script';
import { AmiError, EXIT } from '../../../tools/ami/errors';
import { pruneImages } from '../../../tools/ami/images';
import { MotoServer } from '../../support/moto';
import {
  allInstances,
  BASE,
  builders,
  client,
  FAST_POLL,
  ownImages,
  ownSnapshots,
  playBuilder,
  registerBaseImage,
  tag,
} from '../../support/ami';
import { sharedMoto } from '../../support/shared-servers';

let moto: MotoServer;
let ec2: EC2Client;
let baseImageId: string;
let logs: string[];

beforeAll(async () => {
  moto = await sharedMoto();
  ec2 = client(moto.endpoint);
});
afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  baseImageId = await registerBaseImage(ec2);
  logs = [];
});

function options(overrides: Partial<BakeOptions> = {}): BakeOptions {
  return {
    edition: 'community',
    version: '5.26.19',
    region: 'af-south-1',
    endpoint: moto.endpoint,
    keep: 3,
    baseImage: BASE,
    instanceType: 't3.medium',
    timeoutSeconds: 10,
    poll: FAST_POLL,
    log: (line) => logs.push(line),
    ...overrides,
  };
}

/** Runs a bake while the test plays the builder; returns the bake's outcome and the builder it launched. */
async function bakeWithBuilder(
  part: 'ready' | 'failed' | 'silent' | 'terminate',
  overrides: Partial<BakeOptions> = {},
  inspect?: (builder: Instance) => Promise<void>,
) {
  const baking = bake(ec2, options(overrides)).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  const builder = await playBuilder(ec2, part, inspect);
  return { ...(await baking), builder };
}

/** Creates an IAM instance profile in moto with a SigV4-signed IAM Query call (no IAM client in the project). */
function createInstanceProfile(name: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(
      'curl',
      [
        '-sf',
        '--aws-sigv4',
        'aws:amz:us-east-1:iam',
        '--user',
        'testing:testing',
        '--data',
        `Action=CreateInstanceProfile&InstanceProfileName=${name}&Version=2010-05-08`,
        `${moto.endpoint}/`,
      ],
      (error) => (error ? reject(error) : resolve()),
    ),
  );
}

async function instanceState(id: string): Promise<string | undefined> {
  return (await allInstances(ec2)).find((i) => i.InstanceId === id)?.State?.Name;
}

describe('bake', () => {
  test('creates the image when none is tagged with the version and edition, and terminates the builder', async () => {
    const { result, error, builder } = await bakeWithBuilder('ready');
    expect(error).toBeUndefined();
    expect(result?.action).toBe('built');
    if (result?.action !== 'built') return;

    const image = (await ownImages(ec2)).find((i) => i.ImageId === result.imageId)!;
    expect(image.State).toBe('available');
    expect(tag(image.Tags, TAG_NEO4J_VERSION)).toBe('5.26.19');
    expect(tag(image.Tags, TAG_NEO4J_EDITION)).toBe('community');
    expect(tag(image.Tags, TAG_BUILT_FROM)).toBe(baseImageId);
    expect(tag(image.Tags, TAG_BUILD_SCRIPT_HASH)).toBe(buildScriptHash());
    expect(image.Name).toMatch(/^credex-neo4j-community-5\.26\.19-\d{8}T\d{6}$/);
    expect(image.SourceInstanceId).toBe(builder.InstanceId);
    // the snapshot behind the image carries the same tags (retention and cost reports find it)
    const snapshotId = image.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId;
    const snapshot = (await ownSnapshots(ec2)).find((s) => s.SnapshotId === snapshotId);
    expect(tag(snapshot?.Tags, TAG_NEO4J_VERSION)).toBe('5.26.19');
    expect(tag(snapshot?.Tags, TAG_MANAGED_BY)).toBe(MANAGED_BY_VALUE); // the deployer may prune only what carries it

    expect(result.builderInstanceId).toBe(builder.InstanceId);
    expect(await instanceState(builder.InstanceId!)).toBe('terminated');
  });

  test('launches the builder from the pinned base image with IMDSv2, an encrypted root volume, no public IP and the install script', async () => {
    let script = '';
    let volumeEncrypted: boolean | undefined;
    // inspected while the builder is alive: its root volume goes with it on termination
    const { error, builder } = await bakeWithBuilder(
      'ready',
      { version: '5.26.20', edition: 'enterprise' },
      async (b) => {
        // moto attaches the root volume just after the instance appears: wait for the mapping
        let volumeId: string | undefined;
        for (let i = 0; i < 100 && !volumeId; i++) {
          const now = (await allInstances(ec2)).find((x) => x.InstanceId === b.InstanceId);
          volumeId = now?.BlockDeviceMappings?.[0]?.Ebs?.VolumeId;
          if (!volumeId) await new Promise((r) => setTimeout(r, 50));
        }
        if (!volumeId) throw new Error('the builder never got a root volume');
        const volumes = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes ?? [];
        expect(volumes.map((v) => v.VolumeId)).toEqual([volumeId]);
        volumeEncrypted = volumes[0].Encrypted;
        const userData = await ec2.send(
          new DescribeInstanceAttributeCommand({ InstanceId: b.InstanceId!, Attribute: 'userData' }),
        );
        script = Buffer.from(userData.UserData?.Value ?? '', 'base64').toString('utf8');
      },
    );
    expect(error).toBeUndefined();
    expect(builder.ImageId).toBe(baseImageId);
    expect(builder.MetadataOptions?.HttpTokens).toBe('required');
    expect(builder.PublicIpAddress).toBeUndefined();
    expect(tag(builder.Tags, 'Name')).toBe('neo4j-ami-builder-enterprise-5.26.20');
    expect(volumeEncrypted).toBe(true);
    expect(script).toContain("NEO4J_VERSION='5.26.20'");
    expect(script).toContain("NEO4J_EDITION='enterprise'");
    expect(script).not.toContain('@NEO4J_');
  });

  test('reuses the image when one is tagged with the version and edition: no builder is launched', async () => {
    const first = await bakeWithBuilder('ready');
    expect(first.result?.action).toBe('built');
    const instancesBefore = (await allInstances(ec2)).length;

    const again = await bake(ec2, options());
    expect(again).toEqual({ action: 'reused', imageId: first.result!.imageId, imageName: expect.any(String) });
    expect((await allInstances(ec2)).length).toBe(instancesBefore);
    expect(logs.join('\n')).toMatch(/nothing to do/);
  });

  test('bakes anew when the only image of that version was built by another install script', async () => {
    const first = await bakeWithBuilder('ready');
    await ec2.send(
      new CreateTagsCommand({
        Resources: [first.result!.imageId],
        Tags: [{ Key: TAG_BUILD_SCRIPT_HASH, Value: 'old' }],
      }),
    );
    const second = await bakeWithBuilder('ready');
    expect(second.result?.action).toBe('built');
    expect(second.result?.imageId).not.toBe(first.result?.imageId);
  });

  test.each([
    ['reports failed', 'failed' as const, /reported the install failed at step "neo4j-install"/],
    ['never reports (timeout)', 'silent' as const, /timed out after 1 s waiting for builder/],
    ['dies before reporting', 'terminate' as const, /is (terminated|shutting-down) before reporting ready/],
  ])('a builder that %s fails the bake, is terminated and leaves no image', async (_name, part, message) => {
    const { result, error, builder } = await bakeWithBuilder(part, { timeoutSeconds: 1 });
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(AmiError);
    expect((error as AmiError).exitCode).toBe(EXIT.FAILED);
    expect((error as AmiError).message).toMatch(message);
    expect((error as AmiError).message).not.toContain('\n');
    expect(await instanceState(builder.InstanceId!)).toBe('terminated');
    const images = await ownImages(ec2);
    expect(images.map((i) => i.ImageId)).toEqual([baseImageId]);
  });

  test('terminates a leftover builder of an interrupted bake (older than every bound), not a young one', async () => {
    const leftover = async (version: string) =>
      (
        await ec2.send(
          new RunInstancesCommand({
            ImageId: baseImageId,
            MinCount: 1,
            MaxCount: 1,
            TagSpecifications: [
              { ResourceType: 'instance', Tags: [{ Key: TAG_BUILDER, Value: `community-${version}` }] },
            ],
          }),
        )
      ).Instances![0].InstanceId!;
    const stale = await leftover('5.26.19');
    const otherVersion = await leftover('5.26.18');
    await new Promise((r) => setTimeout(r, 2100)); // bounds below add up to 1 s
    const { result, error } = await bakeWithBuilder('ready', {
      timeoutSeconds: 1,
      stopTimeoutSeconds: 0,
      imageTimeoutSeconds: 0,
    });
    expect(error).toBeUndefined();
    expect(result?.action).toBe('built');
    expect(await instanceState(stale)).toBe('terminated');
    expect(await instanceState(otherVersion)).toBe('running');
    expect(logs.join('\n')).toContain(`terminated leftover builder(s) of an interrupted bake: ${stale}`);
  });

  test('retries the launch until a just-created instance profile is usable (IAM is eventually consistent)', async () => {
    const profile = 'credex-staging-neo4j-ami-builder';
    const baking = bake(ec2, options({ instanceProfile: profile, profileWaitSeconds: 15 })).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
    await new Promise((r) => setTimeout(r, 700));
    expect(await allInstances(ec2)).toEqual([]); // moto refused RunInstances: the profile does not exist yet
    await createInstanceProfile(profile);
    let profileArn: string | undefined;
    await playBuilder(ec2, 'ready', async (b) => {
      // moto records the association just after the instance appears: wait for it
      for (let i = 0; i < 100 && !profileArn; i++) {
        profileArn = (await allInstances(ec2)).find((x) => x.InstanceId === b.InstanceId)?.IamInstanceProfile?.Arn;
        if (!profileArn) await new Promise((r) => setTimeout(r, 50));
      }
    });
    const { result, error } = await baking;
    expect(error).toBeUndefined();
    expect(result?.action).toBe('built');
    expect(profileArn).toMatch(new RegExp(`instance-profile/${profile}$`));
    expect(logs.join('\n')).toContain(`instance profile ${profile} not usable yet, retrying`);
    expect(await allInstances(ec2)).toHaveLength(1);
  });

  test('an instance profile that never appears fails with the AWS error and launches nothing', async () => {
    const error = await bake(ec2, options({ instanceProfile: 'no-such-profile', profileWaitSeconds: 1 })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(AmiError);
    expect(error.message).toMatch(/^RunInstances \(builder\) failed: .*no-such-profile/i);
    expect(error.message).not.toContain('\n');
    expect(await allInstances(ec2)).toEqual([]);
  });

  test('a missing base image is a clear one-line error and launches nothing', async () => {
    const error = await bake(ec2, options({ baseImage: { name: 'ubuntu/images/no-such-image', owner: 'self' } })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(AmiError);
    expect(error.exitCode).toBe(EXIT.BASE_IMAGE_MISSING);
    expect(error.message).toBe('base image "ubuntu/images/no-such-image" (owner self) not found in af-south-1');
    expect(await allInstances(ec2)).toEqual([]);
  });
});

describe('retention', () => {
  /** An image as bake leaves it (tagged, with a snapshot), created directly so the test controls the order. */
  async function bakedImage(edition: string, version: string): Promise<{ imageId: string; snapshotId: string }> {
    const imageId = await registerBaseImage(
      ec2,
      `credex-neo4j-${edition}-${version}-${Math.random().toString(36).slice(2)}`,
    );
    await ec2.send(
      new CreateTagsCommand({
        Resources: [imageId],
        Tags: [
          { Key: TAG_NEO4J_VERSION, Value: version },
          { Key: TAG_NEO4J_EDITION, Value: edition },
          { Key: TAG_BUILT_FROM, Value: baseImageId },
        ],
      }),
    );
    const image = (await ownImages(ec2)).find((i) => i.ImageId === imageId)!;
    return { imageId, snapshotId: image.BlockDeviceMappings![0].Ebs!.SnapshotId! };
  }
  const nextSecond = () => new Promise((r) => setTimeout(r, 1100)); // moto's CreationDate has 1 s resolution

  test('keeps the newest N images per edition, deregisters older ones and deletes their snapshots', async () => {
    // Created oldest first; versions deliberately out of order so the creation date, not the version, decides.
    const oldest = await bakedImage('community', '5.26.18');
    await nextSecond();
    const older = await bakedImage('community', '5.26.10');
    await nextSecond();
    const enterpriseOld = await bakedImage('enterprise', '5.26.1');
    const middle = await bakedImage('community', '5.26.12');
    await nextSecond();
    const newest = await bakedImage('community', '5.26.11');

    const result = await pruneImages(ec2, {
      edition: 'community',
      keep: 2,
      endpoint: moto.endpoint,
      log: (l) => logs.push(l),
    });
    expect(result.kept).toEqual([newest.imageId, middle.imageId]);
    expect(result.deregistered.map((d) => d.imageId).sort()).toEqual([oldest.imageId, older.imageId].sort());

    const imageIds = (await ownImages(ec2)).map((i) => i.ImageId);
    expect(imageIds).toEqual(
      expect.arrayContaining([newest.imageId, middle.imageId, enterpriseOld.imageId, baseImageId]),
    );
    expect(imageIds).not.toContain(oldest.imageId);
    expect(imageIds).not.toContain(older.imageId);
    const snapshotIds = (await ownSnapshots(ec2)).map((s) => s.SnapshotId);
    expect(snapshotIds).not.toContain(oldest.snapshotId);
    expect(snapshotIds).not.toContain(older.snapshotId);
    expect(snapshotIds).toEqual(
      expect.arrayContaining([newest.snapshotId, middle.snapshotId, enterpriseOld.snapshotId]),
    );
  });

  test('an older image still used by an instance is kept', async () => {
    const old = await bakedImage('community', '5.26.1');
    await nextSecond();
    const current = await bakedImage('community', '5.26.2');
    await ec2.send(new RunInstancesCommand({ ImageId: old.imageId, MinCount: 1, MaxCount: 1 }));
    const result = await pruneImages(ec2, {
      edition: 'community',
      keep: 1,
      endpoint: moto.endpoint,
      log: () => undefined,
    });
    expect(result.kept).toEqual([current.imageId]);
    expect(result.keptInUse).toEqual([old.imageId]);
    expect(result.deregistered).toEqual([]);
    expect((await ownImages(ec2)).map((i) => i.ImageId)).toContain(old.imageId);
  });

  test('bake applies retention after building', async () => {
    const old = await bakedImage('community', '5.26.17');
    await nextSecond();
    const { result } = await bakeWithBuilder('ready', { keep: 1 });
    expect(result?.action).toBe('built');
    if (result?.action !== 'built') return;
    expect(result.prune.kept).toEqual([result.imageId]);
    expect(result.prune.deregistered).toEqual([{ imageId: old.imageId, snapshots: [old.snapshotId] }]);
    expect((await builders(ec2)).every((b) => b.State?.Name === 'terminated')).toBe(true);
  });
});
