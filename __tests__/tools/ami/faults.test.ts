/**
 * The AMI command's problems of issue 13, one test each, on the bundled CLI against real moto behind a fault injector
 * (__tests__/faults/proxies.ts): a total deadline whatever the endpoint does, bounded bodies, and no orphan image
 * after an interrupt (or, after one that could not clean up, prune finds the unfinished image by ManagedBy).
 */

import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { MANAGED_BY_VALUE, TAG_BUILDER, TAG_MANAGED_BY } from '../../../contracts/ami';
import { repoRoot } from '../../../lib/paths';
import {
  answer,
  forward,
  startFaultServer,
  type FaultServer,
  type HttpFault,
  type RequestInfo,
} from '../../faults/proxies';
import { bundleForTest } from '../../support/bundle';
import { MotoServer, startMoto } from '../../support/moto';
import { withoutSdkAdvisory } from '../../support/sdk-advisory';
import { allInstances, BASE, client, ownImages, ownSnapshots, playBuilder, registerBaseImage } from './helpers';

let outDir: string;
let cli: string;
let moto: MotoServer;
let ec2: EC2Client;
const servers: FaultServer[] = [];

beforeAll(async () => {
  outDir = bundleForTest(['tools/ami/cli.ts']);
  cli = path.join(outDir, 'tools', 'ami', 'cli.js');
  moto = await startMoto();
  ec2 = client(moto.endpoint);
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  ec2?.destroy();
  await moto?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

beforeEach(() => moto.reset());

async function proxy(plan: (info: RequestInfo) => HttpFault): Promise<FaultServer> {
  const s = await startFaultServer(forward(moto.endpoint), plan);
  servers.push(s);
  return s;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], onChild?: (kill: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: repoRoot(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    onChild?.((s) => child.kill(s));
    child.on('exit', (code) => resolve({ code, stdout, stderr: withoutSdkAdvisory(stderr), ms: Date.now() - started }));
  });
}

const bake = (endpoint: string, extra: string[] = []) => [
  'bake',
  '--edition',
  'community',
  '--version',
  '5.26.19',
  '--region',
  'af-south-1',
  '--endpoint-url',
  endpoint,
  '--base-image',
  BASE.name,
  '--base-image-owner',
  'self',
  ...extra,
];

describe('the AMI command under faults', () => {
  test('an EC2 endpoint that accepts and never answers: --deadline ends the bake (exit 3, one line besides the SDK Node advisory)', async () => {
    const hole = await proxy(() => ({ kind: 'blackhole' }));
    const r = await run(bake(hole.url, ['--deadline', '3']));
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(3000 + 3000);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^ami bake: cannot reach the EC2 API at http:\/\/127\.0\.0\.1:\d+: (no answer in time|connection timed out) \(\w+\)\n$/,
    );
  }, 30_000);

  test('an EC2 answer that never ends: cut at 8 MiB, exit 1 "too large", in seconds', async () => {
    const endless = await proxy(() => ({ kind: 'endless' }));
    const r = await run(bake(endless.url, ['--deadline', '20']));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ami bake: DescribeImages: the answer from http:\/\/127\.0\.0\.1:\d+ was too large/);
    expect(r.ms).toBeLessThan(10_000);
  }, 30_000);

  test('check-version: a release list that never ends is cut at 1 MiB: exit 1 "too large"', async () => {
    const source = await startFaultServer(answer(200, '<metadata/>'), () => ({ kind: 'endless' }));
    servers.push(source);
    const r = await run(['check-version', '--version', '5.26.19', '--source-url', source.url, '--timeout', '10']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sent more than 1048576 bytes \(too large; cut there\)/);
  }, 30_000);

  test('SIGINT while CreateImage is in flight: the builder is terminated, the image deregistered, its snapshots deleted', async () => {
    await registerBaseImage(ec2);
    const snapshotsBefore = new Set((await ownSnapshots(ec2)).map((s) => s.SnapshotId));
    let interrupt: ((s: NodeJS.Signals) => void) | undefined;
    let sent = false;
    // CreateImage reaches moto 1.5 s late; the interrupt comes while it is on its way.
    const slow = await proxy((info) => {
      if (info.action !== 'CreateImage') return { kind: 'pass' };
      if (!sent) {
        sent = true;
        setTimeout(() => interrupt?.('SIGINT'), 300);
      }
      return { kind: 'latency', ms: 1500 };
    });
    const baking = run(bake(slow.url), (kill) => (interrupt = kill));
    await playBuilder(ec2, 'ready');
    const r = await baking;
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(
      /^ami bake: interrupted by SIGINT; terminating builder i-\w+\nami bake: deregistered ami-\w+; deleted snap-\w+/,
    );
    const images = await ownImages(ec2);
    expect(images.map((i) => i.Name)).toEqual([BASE.name]); // only the base image is left
    // moto starts with snapshots of its own; none may be added by the bake
    expect((await ownSnapshots(ec2)).filter((s) => !snapshotsBefore.has(s.SnapshotId))).toEqual([]);
    expect((await allInstances(ec2)).filter((i) => i.State?.Name !== 'terminated')).toEqual([]);
  }, 60_000);

  test('prune finds an unfinished image (tagged only ManagedBy and Neo4jAmiBuilder) and removes it', async () => {
    const orphan = await registerBaseImage(ec2, 'credex-neo4j-community-5.26.19-20260101T000000');
    await ec2.send(
      new CreateTagsCommand({
        Resources: [orphan],
        Tags: [
          { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE },
          { Key: TAG_BUILDER, Value: 'community-5.26.19' },
        ],
      }),
    );
    const r = await run([
      'prune',
      '--edition',
      'community',
      '--region',
      'af-south-1',
      '--keep',
      '1',
      '--endpoint-url',
      moto.endpoint,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('kept 0, deregistered 1 (1 unfinished)');
    expect((await ownImages(ec2)).map((i) => i.ImageId)).not.toContain(orphan);
  }, 30_000);
});
