/**
 * A release and a rollback deploy the image asked for, an infrastructure push the image running now, and nothing ever
 * builds (issue 20, days 2 and 3): .github/workflows/scripts/resolve-image-tag.sh with the real AWS CLI against a real
 * moto server (ECR, and ECS standing in for the running service), and the deploy workflows that call it, read as YAML.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { environmentConfig } from '../../config';
import { clusterName, coreName, deployedImageTag, UNDEPLOYABLE_IMAGE_TAG } from '../../contracts/naming';
import { repoRoot } from '../../lib/paths';
import { type MotoServer } from '../support/moto';
import { readWorkflow, stepNamed } from '../support/workflows';
import { sharedMoto } from '../support/shared-servers';
import { awsCli, awsCliEnvironment } from '../support/aws-cli';

const scripts = path.join(repoRoot(), '.github', 'workflows', 'scripts');
let moto: MotoServer;
const env = (extra: Record<string, string> = {}) => awsCliEnvironment(moto.endpoint, extra);
const aws = awsCli(() => moto.endpoint);
const resolve = (environment: string, tag = '', extra: Record<string, string> = {}) =>
  spawnSync('bash', [path.join(scripts, 'resolve-image-tag.sh'), 'credex-core', environment, tag], {
    encoding: 'utf8',
    env: env(extra),
  });
const markDeployed = (tag: string, environment: string) => {
  const run = spawnSync('bash', [path.join(scripts, 'tag-deployed-image.sh'), 'credex-core', tag, environment], {
    encoding: 'utf8',
    env: env(),
  });
  if (run.status !== 0) throw new Error(run.stderr);
};

const RUNNING = 'a1b2c3d4e5f60718293a4b5c6d7e8f9001122334';
const RELEASE = 'b2c3d4e5f60718293a4b5c6d7e8f900112233445';
const OLD = 'c3d4e5f60718293a4b5c6d7e8f90011223344556';
const UNSEEN = 'd4e5f60718293a4b5c6d7e8f9001122334455667';
const manifest = (n: number) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 7023,
      digest: 'sha256:' + String(n).repeat(64),
    },
    layers: [],
  });

beforeAll(async () => {
  moto = await sharedMoto();
  aws('ecr', 'create-repository', '--repository-name', 'credex-core', '--image-tag-mutability', 'IMMUTABLE');
  [RUNNING, RELEASE, OLD, UNSEEN].forEach((tag, i) =>
    aws(
      'ecr',
      'put-image',
      '--repository-name',
      'credex-core',
      '--image-tag',
      tag,
      '--image-manifest',
      manifest(i + 1),
    ),
  );
  // staging runs RUNNING (the ECS service and its task definition, as the stack creates them: contracts/naming.ts)
  aws('ecs', 'create-cluster', '--cluster-name', clusterName('staging'));
  const taskDefinition = aws(
    'ecs',
    'register-task-definition',
    '--family',
    'credex-core-staging',
    '--container-definitions',
    JSON.stringify([
      { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0', memory: 64 },
      {
        name: 'credex-core',
        image: `123456789012.dkr.ecr.af-south-1.amazonaws.com/credex-core:${RUNNING}`,
        memory: 512,
      },
    ]),
  ).taskDefinition.taskDefinitionArn;
  aws(
    'ecs',
    'create-service',
    '--cluster',
    clusterName('staging'),
    '--service-name',
    coreName('service', 'staging'),
    '--task-definition',
    taskDefinition,
    '--desired-count',
    '1',
  );
}, 60_000);
afterAll(async () => moto?.stop());

describe('resolve-image-tag.sh (AWS CLI against moto)', () => {
  test('no tag: the image the service runs now (a push to stage redeploys it with the new infrastructure)', () => {
    const run = resolve('staging');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${RUNNING}\n`);
    expect(run.stderr).toContain('the image running now');
  });

  test('no tag and no service yet (first deploy): one line saying to run by hand with a tag, exit 1', () => {
    const run = resolve('production');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^resolve-image-tag: no image tag given and credex-core-service-production is not running .*-f image-tag=/,
      ),
    ]);
  });

  test('a tag asked for is deployed as asked (a release or a rollback), if ECR has it', () => {
    expect(resolve('staging', OLD).stdout).toBe(`${OLD}\n`);
    const missing = resolve('staging', '0'.repeat(40));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(`resolve-image-tag: credex-core:${'0'.repeat(40)} is not in ECR`);
  });

  test("production (PROMOTE_FROM=staging) refuses a tag staging never ran, takes it once staging's deploy marked it", () => {
    const refused = resolve('production', RELEASE, { PROMOTE_FROM: 'staging' });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `resolve-image-tag: credex-core:${RELEASE} was never deployed to staging (no ${deployedImageTag('staging', RELEASE)}): production runs only images staging ran; deploy it to staging first`,
    );
    markDeployed(RELEASE, 'staging');
    const promoted = resolve('production', RELEASE, { PROMOTE_FROM: 'staging' });
    expect(promoted.status).toBe(0);
    expect(promoted.stdout).toBe(`${RELEASE}\n`);
  });

  test('production rolls back to an image it ran before, even one staging no longer marks', () => {
    markDeployed(OLD, 'production');
    expect(resolve('production', OLD, { PROMOTE_FROM: 'staging' }).stdout).toBe(`${OLD}\n`);
    expect(resolve('production', UNSEEN, { PROMOTE_FROM: 'staging' }).status).toBe(1);
  });

  test('the synth placeholder and a malformed tag are refused in one line', () => {
    const placeholder = resolve('staging', UNDEPLOYABLE_IMAGE_TAG);
    expect(placeholder.status).toBe(1);
    expect(placeholder.stderr).toMatch(/is the synth placeholder/);
    const bad = resolve('staging', 'not a tag!');
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('resolve-image-tag: "not a tag!" is not an image tag');
  });
});

describe('the deploy workflows never build and promote staging to production', () => {
  const deploy = readWorkflow('deploy.yml').jobs.deploy;

  test('deploy.yml has no image build, no ECR login, and resolves the tag with the script', () => {
    const runs = (deploy.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).not.toMatch(/docker (build|push)|Dockerfile/);
    expect((deploy.steps ?? []).some((s) => s.uses?.includes('amazon-ecr-login'))).toBe(false);
    const image = stepNamed(deploy, 'Image tag');
    expect(image.run).toContain('resolve-image-tag.sh "$ECR_REPOSITORY" "$STACK" "$INPUT_TAG"');
    expect(image.env).toEqual({ INPUT_TAG: '${{ inputs.image-tag }}', PROMOTE_FROM: '${{ inputs.promote-from }}' });
    // the synthesized task definition is checked to carry exactly the resolved tag before anything is planned
    expect(stepNamed(deploy, 'Check the synthesized task definition').env?.TAG).toBe('${{ steps.image.outputs.tag }}');
    expect(stepNamed(deploy, 'cdktf synth').env?.CREDEX_IMAGE_TAG).toBe('${{ steps.image.outputs.tag }}');
  });

  test('production promotes from staging; staging from nothing; both take an image-tag by hand', () => {
    const production = readWorkflow('deploy-production.yml');
    const staging = readWorkflow('deploy-staging.yml');
    expect(production.jobs.deploy.with).toMatchObject({ stack: 'production', 'promote-from': 'staging' });
    expect(staging.jobs.deploy.with?.['promote-from']).toBeUndefined();
    // the workflow says what config says (deploy-and-verify reads config)
    expect(production.jobs.deploy.with?.['promote-from']).toBe(environmentConfig('production').promoteImageFrom);
    expect(environmentConfig('staging').promoteImageFrom).toBeUndefined();
    for (const w of [production, staging])
      expect((w.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs['image-tag']).toBeDefined();
  });

  test("the script's cluster and service names are the naming contract's", () => {
    const text = readFileSync(path.join(scripts, 'resolve-image-tag.sh'), 'utf8');
    expect(text).toContain(`cluster="${clusterName('$environment')}"`);
    expect(text).toContain(`service="${coreName('service', '$environment')}"`);
    expect(text).toContain(UNDEPLOYABLE_IMAGE_TAG);
  });
});
