/**
 * The image test after a bake (tools/ami/image-test-phase.ts) against a real moto EC2 API. moto does not boot instances or
 * run user data, so the tests play the test instance's part through the EC2 API, as test-neo4j.sh does at its end:
 * tag the instance Neo4jImageTest=passed or failed, stay silent, or die. The image is made as a bake makes it
 * (CreateImage from an instance, so it has a snapshot).
 */
import {
  CreateImageCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  EC2Client,
  Instance,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  IMAGE_TESTED_VALUE,
  TAG_IMAGE_TEST_STATE,
  TAG_IMAGE_TESTED,
  TAG_IMAGE_UNDER_TEST,
  TAG_MANAGED_BY,
} from '../../../contracts/ami';
import { AmiError } from '../../../tools/ami/errors';
import { cleanUpInterruptedTest, renderTestUserData, testImage } from '../../../tools/ami/image-test-phase';
import { MotoServer, startMoto } from '../../support/moto';
import { allInstances, client, FAST_POLL, ownImages, ownSnapshots, registerBaseImage, tag } from './helpers';

jest.setTimeout(60_000);

let moto: MotoServer;
let ec2: EC2Client;

beforeAll(async () => {
  moto = await startMoto();
  ec2 = client(moto.endpoint);
});
afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
});
beforeEach(() => moto.reset());

/** A baked image as bake leaves it: CreateImage from an instance (one snapshot), the source instance gone. */
async function bakedImage(): Promise<{ imageId: string; snapshots: string[] }> {
  const base = await registerBaseImage(ec2);
  const run = await ec2.send(
    new RunInstancesCommand({ ImageId: base, MinCount: 1, MaxCount: 1, InstanceType: 't3.medium' }),
  );
  const source = run.Instances![0].InstanceId!;
  const image = await ec2.send(
    new CreateImageCommand({ InstanceId: source, Name: 'credex-neo4j-community-5.26.30-x' }),
  );
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [source] }));
  const described = await ec2.send(new DescribeImagesCommand({ ImageIds: [image.ImageId!] }));
  const snapshots = (described.Images![0].BlockDeviceMappings ?? []).map((m) => m.Ebs!.SnapshotId!);
  return { imageId: image.ImageId!, snapshots };
}

type Part = 'passed' | 'failed' | 'silent' | 'die';

/** Waits for the test instance of `imageId`, then plays its part. */
async function playTester(imageId: string, part: Part): Promise<Instance> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = (await allInstances(ec2)).find((i) => tag(i.Tags, TAG_IMAGE_UNDER_TEST) === imageId);
    if (found) {
      const id = found.InstanceId!;
      if (part === 'passed' || part === 'failed')
        await ec2.send(
          new CreateTagsCommand({
            Resources: [id],
            Tags: [
              { Key: TAG_IMAGE_TEST_STATE, Value: part },
              ...(part === 'failed' ? [{ Key: `${TAG_IMAGE_TEST_STATE}Reason`, Value: 'version' }] : []),
            ],
          }),
        );
      if (part === 'die') await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      return found;
    }
    if (Date.now() > deadline) throw new Error('no test instance was launched');
    await new Promise((r) => setTimeout(r, 30));
  }
}

const lines: string[] = [];
const opts = (extra: Partial<Parameters<typeof testImage>[2]> = {}) => ({
  edition: 'community' as const,
  version: '5.26.30',
  endpoint: moto.endpoint,
  subnetId: undefined,
  timeoutSeconds: 10,
  poll: FAST_POLL,
  log: (l: string) => lines.push(l),
  ...extra,
});

async function state(instanceId: string): Promise<string | undefined> {
  return (await allInstances(ec2)).find((i) => i.InstanceId === instanceId)?.State?.Name;
}

test('Neo4j answers as expected: the image and its snapshots are tagged tested; the test instance is terminated', async () => {
  const { imageId, snapshots } = await bakedImage();
  const [result, tester] = await Promise.all([testImage(ec2, imageId, opts()), playTester(imageId, 'passed')]);
  expect(result).toEqual({ action: 'tested', imageId, testInstanceId: tester.InstanceId });
  const image = (await ownImages(ec2)).find((i) => i.ImageId === imageId)!;
  expect(tag(image.Tags, TAG_IMAGE_TESTED)).toBe(IMAGE_TESTED_VALUE);
  const snaps = (await ownSnapshots(ec2)).filter((s) => snapshots.includes(s.SnapshotId!));
  expect(snaps.map((s) => tag(s.Tags, TAG_IMAGE_TESTED))).toEqual(snapshots.map(() => IMAGE_TESTED_VALUE));
  expect(await state(tester.InstanceId!)).toBe('terminated');
  // The test instance: IMDSv2 only, no public IP, marked so the builder profile lets it tag itself.
  expect(tester.MetadataOptions?.HttpTokens).toBe('required');
  expect(tester.PublicIpAddress).toBeUndefined();
  expect(tag(tester.Tags, TAG_MANAGED_BY)).toBe('credex-ami');
});

test.each([
  ['the instance reports failed', 'failed' as Part, /reported Neo4jImageTest=failed \(version\)/],
  ['the instance never reports (timeout)', 'silent' as Part, /timed out after 1 s waiting for test instance/],
  ['the instance dies before it reports', 'die' as Part, /is (terminated|shutting-down) before it reported/],
])('%s: the image is deregistered, its snapshots deleted, the instance terminated', async (_what, part, message) => {
  const { imageId, snapshots } = await bakedImage();
  const [outcome, tester] = await Promise.all([
    testImage(ec2, imageId, opts({ timeoutSeconds: 1 })).catch((e: unknown) => e),
    playTester(imageId, part),
  ]);
  expect(outcome).toBeInstanceOf(AmiError);
  expect((outcome as AmiError).message).toMatch(message);
  expect((await ownImages(ec2)).map((i) => i.ImageId)).not.toContain(imageId);
  const left = (await ownSnapshots(ec2)).map((s) => s.SnapshotId);
  for (const s of snapshots) expect(left).not.toContain(s);
  expect(await state(tester.InstanceId!)).toBe('terminated');
});

test('an interrupt during the wait discards the image and terminates the instance', async () => {
  const { imageId } = await bakedImage();
  const controller = new AbortController();
  const running = testImage(ec2, imageId, opts({ timeoutSeconds: 30, signal: controller.signal })).catch((e) => e);
  const tester = await playTester(imageId, 'silent');
  controller.abort('SIGINT');
  expect(await running).toBeInstanceOf(AmiError);
  expect((await ownImages(ec2)).map((i) => i.ImageId)).not.toContain(imageId);
  expect(await state(tester.InstanceId!)).toBe('terminated');
});

test("the CLI's interrupt cleanup (SIGINT while testing) terminates the test instance and discards the image", async () => {
  const { imageId, snapshots } = await bakedImage();
  let launched: Promise<string | undefined> | undefined;
  const running = testImage(ec2, imageId, opts({ timeoutSeconds: 30, onTestLaunch: (id) => (launched = id) })).catch(
    (e) => e,
  );
  const tester = await playTester(imageId, 'silent');
  const said: string[] = [];
  // The CLI's cleanup client takes credentials from the environment, as the command does.
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  await cleanUpInterruptedTest(
    { region: 'af-south-1', endpoint: moto.endpoint },
    { imageId, instance: launched },
    'SIGINT',
    (l) => said.push(l),
  );
  expect(said[0]).toBe(
    `ami bake: interrupted by SIGINT while testing ${imageId}; terminating test instance ${tester.InstanceId}`,
  );
  expect(await state(tester.InstanceId!)).toBe('terminated');
  expect((await ownImages(ec2)).map((i) => i.ImageId)).not.toContain(imageId);
  expect((await ownSnapshots(ec2)).map((s) => s.SnapshotId)).not.toContain(snapshots[0]);
  await running; // the wait sees its instance gone and ends
});

test('an image tested already is not tested again: nothing launched', async () => {
  const { imageId } = await bakedImage();
  await ec2.send(
    new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: TAG_IMAGE_TESTED, Value: IMAGE_TESTED_VALUE }] }),
  );
  const before = (await allInstances(ec2)).length;
  expect(await testImage(ec2, imageId, opts())).toEqual({ action: 'already-tested', imageId });
  expect((await allInstances(ec2)).length).toBe(before);
});

test("the test instance's user data checks exactly the configured version and edition", () => {
  const script = renderTestUserData('enterprise', '5.26.30');
  expect(script).not.toMatch(/@NEO4J_(VERSION|EDITION)@/);
  expect(script).toContain("EXPECTED_VERSION='5.26.30'");
  expect(script).toContain("EXPECTED_EDITION='enterprise'");
  expect(script).toContain('[ "$ANSWER" = "$EXPECTED_VERSION,$EXPECTED_EDITION" ]');
  expect(script).toContain('report passed');
});
