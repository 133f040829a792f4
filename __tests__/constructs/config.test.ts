import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { environmentConfig, environments, EnvironmentConfig, validateEnvironments } from '../../config';
import { repoRoot } from '../../lib/paths';
import { bundleForTest } from '../support/bundle';

const staging = environmentConfig('staging');
const production = environmentConfig('production');
const withNetwork = (env: EnvironmentConfig, network: Partial<EnvironmentConfig['network']>): EnvironmentConfig => ({
  ...env,
  network: { ...env.network, ...network },
});

test('the real configs are valid', () => {
  expect(() => validateEnvironments(environments)).not.toThrow();
});

test.each([
  [
    'a malformed CIDR',
    [withNetwork(staging, { vpcCidr: '10.10.0.0/33' })],
    /config\/staging\.ts network\.vpcCidr: "10\.10\.0\.0\/33" is not an IPv4 CIDR block/,
  ],
  ['host bits set', [withNetwork(staging, { vpcCidr: '10.10.0.1/16' })], /has host bits set/],
  [
    'a subnet outside the VPC',
    [withNetwork(staging, { publicSubnetCidrs: ['10.99.0.0/24', '10.10.1.0/24'] })],
    /subnet 10\.99\.0\.0\/24 is outside the VPC 10\.10\.0\.0\/16/,
  ],
  [
    'overlapping subnets',
    [withNetwork(staging, { privateSubnetCidrs: ['10.10.0.0/23', '10.10.11.0/24'] })],
    /subnets 10\.10\.0\.0\/24 and 10\.10\.0\.0\/23 overlap/,
  ],
  [
    'a zone of another region',
    [withNetwork(staging, { availabilityZones: ['eu-west-1a', 'af-south-1b'] })],
    /eu-west-1a is not in region af-south-1/,
  ],
  [
    'a member journey in production (it onboards a test member)',
    [{ ...production, verify: { ...production.verify, memberJourney: true } }],
    /config\/production\.ts verify\.memberJourney: never in production/,
  ],
  [
    'a rate-limit probe in production (it spends the budget every client shares)',
    [{ ...production, verify: { ...production.verify, rateLimitProbe: true } }],
    /config\/production\.ts verify\.rateLimitProbe: never in production/,
  ],
  [
    'a load share of the rate-limit budget above 1',
    [{ ...staging, verify: { ...staging.verify, load: { ...staging.verify.load, budgetShare: 1.5 } } }],
    /config\/staging\.ts verify\.load\.budgetShare: must be in \(0, 1\], got 1\.5/,
  ],
  [
    'two environments in one address space',
    [staging, { ...environmentConfig('production'), network: { ...staging.network } }],
    /config\/production\.ts network\.vpcCidr: 10\.10\.0\.0\/16 overlaps another environment's VPC/,
  ],
])('rejects %s with one line naming the file and field', (_name, envs, message) => {
  expect(() => validateEnvironments(envs)).toThrow(message);
});

describe('synth from the command line', () => {
  let dir: string;
  let main: string;
  beforeAll(() => {
    dir = bundleForTest(['main.ts']);
    main = path.join(dir, 'main.js');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a bad image tag: exit 2 and one line naming the construct, no stack trace', () => {
    const r = spawnSync(process.execPath, [main], {
      cwd: repoRoot(),
      encoding: 'utf8',
      env: { ...process.env, CREDEX_IMAGE_TAG: 'not a tag!', CDKTF_OUTDIR: path.join(path.dirname(main), 'out') },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'synth: ApiService api: imageTag "not a tag!" is not a valid image tag (letters, digits, _ . -, at most 128)',
    );
  });

  test('a good image tag reaches both task definitions', () => {
    const outdir = path.join(path.dirname(main), 'out-ok');
    const r = spawnSync(process.execPath, [main], {
      cwd: repoRoot(),
      encoding: 'utf8',
      env: { ...process.env, CREDEX_IMAGE_TAG: 'abc123def', CDKTF_OUTDIR: outdir },
    });
    expect(r.status).toBe(0);
    for (const stack of ['staging', 'production']) {
      const json = require(path.join(outdir, 'stacks', stack, 'cdk.tf.json'));
      expect(JSON.stringify(json.resource.aws_ecs_task_definition)).toContain(':abc123def\\"');
    }
  });
});
