/**
 * The contract between constructs/neo4j-ami.ts and the AMI command: the exact local-exec command the synthesized
 * null_resource holds, run the way Terraform runs it (bash, in cdktf.out/stacks/<stack>) against a real moto EC2
 * API (endpoint from AWS_ENDPOINT_URL_EC2, as any AWS SDK v3 client reads it).
 */
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { BASE_IMAGE, IMAGE_TESTED_VALUE, TAG_IMAGE_TESTED } from '../../../contracts/ami';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { environmentConfig } from '../../../config';
import { synthesizeAll } from '../../../main';
import { repoTempDir } from '../../support/bundle';
import { MotoServer, startMoto } from '../../support/moto';
import { withoutSdkAdvisory } from '../../support/sdk-advisory';
import { allInstances, bakedImage, client } from './helpers';

jest.setTimeout(60_000);

let moto: MotoServer;
let ec2: EC2Client;
let outdir: string;
let stackDir: string;
let command: string;

beforeAll(async () => {
  moto = await startMoto();
  ec2 = client(moto.endpoint);
  // Inside the repository (dist/ is git-ignored), as cdktf.out is: npm finds package.json by walking up.
  outdir = repoTempDir();
  synthesizeAll(outdir);
  stackDir = path.join(outdir, 'stacks', 'staging');
  const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  const bake = Object.values(json.resource.null_resource)[0] as {
    provisioner: { 'local-exec': { command: string } }[];
  };
  // Terraform fills in the two references at apply time.
  command = bake.provisioner[0]['local-exec'].command
    .replace(/\$\{aws_subnet\.[^}]+\.id\}/, 'subnet-0123456789abcdef0')
    .replace(/\$\{aws_iam_instance_profile\.[^}]+\.name\}/, 'credex-staging-neo4j-ami-builder');
});

afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

beforeEach(() => moto.reset());

function runAsTerraform() {
  const r = spawnSync('bash', ['-c', command], {
    cwd: stackDir,
    encoding: 'utf8',
    timeout: 50_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      AWS_ENDPOINT_URL_EC2: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    },
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: withoutSdkAdvisory(r.stderr).trim() };
}

test("the command is the documented bake with the config's version and edition", () => {
  const { version, edition } = environmentConfig('staging').neo4j;
  expect(command).toBe(
    `npm run -s ami -- bake --edition ${edition} --version ${version} --region af-south-1 --keep 3 ` +
      '--subnet-id subnet-0123456789abcdef0 --instance-profile credex-staging-neo4j-ami-builder ' +
      `--base-image ${BASE_IMAGE.name} --base-image-owner ${BASE_IMAGE.owner} --test-image`,
  );
});

test('with the image already baked, the command reuses it: exit 0, nothing launched', async () => {
  const { version, edition } = environmentConfig('staging').neo4j;
  const imageId = await bakedImage(ec2, edition, version);
  // tested before (a reused image that is not yet tested gets its test instance: __tests__/tools/ami/image-test-phase.test.ts)
  await ec2.send(
    new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: TAG_IMAGE_TESTED, Value: IMAGE_TESTED_VALUE }] }),
  );
  const r = runAsTerraform();
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout.split('\n').pop()).toBe(`reused ${imageId}`);
  expect(await allInstances(ec2)).toEqual([]);
});

test('an image of the same version and script on an older base image is not reused: a base-image bump rebakes', async () => {
  const { version, edition } = environmentConfig('staging').neo4j;
  const old = await bakedImage(
    ec2,
    edition,
    version,
    'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20230101',
  );
  await ec2.send(
    new CreateTagsCommand({ Resources: [old], Tags: [{ Key: TAG_IMAGE_TESTED, Value: IMAGE_TESTED_VALUE }] }),
  );
  const r = runAsTerraform();
  expect(r.stdout).toContain(`bake: ${old}`);
  expect(r.stdout).toContain('baking anew');
  expect(r.stdout).not.toContain(`reused ${old}`);
  // moto has no image of the pinned name: the bake that starts stops there (exit 4), which shows it did start
  expect(r.code).toBe(4);
});

test('with no image and no pinned base image in the region: exit 4, one line, nothing launched', async () => {
  const r = runAsTerraform();
  expect(r.code).toBe(4);
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/ubuntu-noble-24\.04-amd64-server-20240423/);
  expect(await allInstances(ec2)).toEqual([]);
});
