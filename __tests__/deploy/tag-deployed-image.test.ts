/**
 * .github/workflows/scripts/tag-deployed-image.sh with the real AWS CLI against a real moto server: the image a
 * deploy runs gets the tag the repository's lifecycle policy protects per environment (contracts/naming.ts
 * deployedImageTag), once, idempotently, and a bad input is one line and exit 1.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { deployedImageTag } from '../../contracts/naming';
import { repoRoot } from '../../lib/paths';
import { type MotoServer } from '../support/moto';
import { sharedMoto } from '../support/shared-servers';
import { awsCli, awsCliEnvironment } from '../support/aws-cli';

const script = path.join(repoRoot(), '.github', 'workflows', 'scripts', 'tag-deployed-image.sh');
let moto: MotoServer;
const env = () => awsCliEnvironment(moto.endpoint);
const aws = awsCli(() => moto.endpoint);
const tagImage = (tag: string, environment = 'production') =>
  spawnSync('bash', [script, 'credex-core', tag, environment], { encoding: 'utf8', env: env() });

const SHA = '3f2c9a1e0b7d4c6f8a2e5d1b9c0f7a3e6d4b2c8a';
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    size: 7023,
    digest: 'sha256:' + 'a'.repeat(64),
  },
  layers: [],
});

beforeAll(async () => {
  moto = await sharedMoto();
  aws('ecr', 'create-repository', '--repository-name', 'credex-core', '--image-tag-mutability', 'IMMUTABLE');
  aws('ecr', 'put-image', '--repository-name', 'credex-core', '--image-tag', SHA, '--image-manifest', manifest);
}, 60_000);
afterAll(async () => moto?.stop());

const digestOf = (tag: string): string =>
  aws('ecr', 'describe-images', '--repository-name', 'credex-core', '--image-ids', `imageTag=${tag}`).imageDetails[0]
    .imageDigest;

describe('tag-deployed-image.sh (AWS CLI against moto)', () => {
  test('adds deployed-<env>-<tag> to the same image, as the naming contract spells it', () => {
    const run = tagImage(SHA);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(digestOf(deployedImageTag('production', SHA))).toBe(digestOf(SHA));
    expect(run.stdout).toContain(`is now also ${deployedImageTag('production', SHA)}`);
  });

  test('a redeploy of the same tag keeps the existing tag (immutable tags: no second PutImage)', () => {
    const run = tagImage(SHA);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('exists already');
  });

  test('a tag that is not in ECR, or too long for a deployed tag, is one line and exit 1', () => {
    const missing = tagImage('0'.repeat(40));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([
      `tag-deployed-image: credex-core:${'0'.repeat(40)} is not in ECR`,
    ]);
    const long = tagImage('x'.repeat(120), 'staging');
    expect(long.status).toBe(1);
    expect(long.stderr).toMatch(/^tag-deployed-image: deployed-staging-x+ is longer than ECR's 128 characters/);
  });
});
