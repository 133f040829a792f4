/**
 * The command line as the null_resource and the scheduled workflow run it: a real node process (the esbuild
 * bundle of tools/ami/cli.ts), real moto server, a real local HTTP server for the release list.
 * Asserts exit codes and that every failure is exactly one line on stderr, never a stack trace.
 */
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { repoRoot } from '../../../lib/paths';
import { TAG_NEO4J_EDITION, TAG_NEO4J_VERSION } from '../../../contracts/ami';
import { bundleForTest } from '../../support/bundle';
import { MotoServer, startMoto } from '../../support/moto';
import { freePort } from '../../support/ports';
import { withoutSdkAdvisory } from '../../support/sdk-advisory';
import { allInstances, BASE, bakedImage, client, playBuilder, registerBaseImage } from './helpers';

let outDir: string;
let cli: string;
let moto: MotoServer;
let ec2: EC2Client;

beforeAll(async () => {
  outDir = bundleForTest(['tools/ami/cli.ts']);
  cli = path.join(outDir, 'tools', 'ami', 'cli.js');
  moto = await startMoto();
  ec2 = client(moto.endpoint);
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

beforeEach(() => moto.reset());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {
        cwd: repoRoot(),
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr: withoutSdkAdvisory(stderr),
        }),
    );
  });
}

/** Exactly one non-empty line, starting "ami", with no stack frames. */
function expectOneLineError(r: Run, pattern: RegExp) {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ami[ :]/);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const bakeArgs = (extra: string[] = []) => [
  'bake',
  '--edition',
  'community',
  '--version',
  '5.26.19',
  '--region',
  'af-south-1',
  ...extra,
];

describe('bad input', () => {
  test.each([
    ['no subcommand', [], /missing subcommand/],
    ['unknown subcommand', ['bakee'], /unknown subcommand "bakee"/],
    ['unknown option', [...bakeArgs(), '--colour', 'blue'], /^ami bake: unknown option --colour \(see --help\)$/],
    ['option without its value', ['prune', '--edition', 'community', '--region'], /^ami prune: --region needs a value/],
    [
      'a flag given a value',
      ['check-version', '--version', '5.26.19', '--json=yes'],
      /^ami check-version: --json takes no value/,
    ],
    [
      'unknown edition',
      ['bake', '--edition', 'professional', '--version', '5.26.19', '--region', 'af-south-1'],
      /unknown edition "professional"/,
    ],
    ['missing edition', ['bake', '--version', '5.26.19', '--region', 'af-south-1'], /--edition is required/],
    [
      'malformed version',
      ['bake', '--edition', 'community', '--version', '5.26', '--region', 'af-south-1'],
      /malformed version "5\.26"/,
    ],
    [
      'version with a wildcard',
      ['bake', '--edition', 'community', '--version', '5.26.x', '--region', 'af-south-1'],
      /malformed version "5\.26\.x"/,
    ],
    [
      'shell in the version',
      ['bake', '--edition', 'community', '--version', '5.26.19;id', '--region', 'af-south-1'],
      /malformed version/,
    ],
    ['missing region', ['bake', '--edition', 'community', '--version', '5.26.19'], /--region is required/],
    [
      'malformed region',
      ['bake', '--edition', 'community', '--version', '5.26.19', '--region', 'Africa'],
      /malformed region "Africa"/,
    ],
    ['keep 0', bakeArgs(['--keep', '0']), /--keep must be a whole number from 1 to 100/],
    ['keep not a number', bakeArgs(['--keep', 'three']), /--keep must be a whole number/],
    [
      'endpoint not a URL',
      bakeArgs(['--endpoint-url', 'localhost:4566']),
      /--endpoint-url must be http\(s\)|--endpoint-url is not a URL/,
    ],
    ['prune without region', ['prune', '--edition', 'community'], /--region is required/],
    ['check-version malformed', ['check-version', '--version', 'latest'], /malformed version "latest"/],
  ])('%s: exit 2 and one line', async (_name, args, pattern) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expectOneLineError(r, pattern);
    expect(r.stdout).toBe('');
  });

  test('unreachable endpoint: exit 3 and one line naming the endpoint', async () => {
    const port = await freePort(); // nothing listens there
    const r = await run(bakeArgs(['--endpoint-url', `http://127.0.0.1:${port}`]));
    expect(r.code).toBe(3);
    expectOneLineError(r, new RegExp(`cannot reach the EC2 API at http://127\\.0\\.0\\.1:${port}: connection refused`));
  });

  test('an endpoint that is not EC2: exit 1, says so', async () => {
    const server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><title>hi</title></html>'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await run(bakeArgs(['--endpoint-url', `http://127.0.0.1:${(server.address() as AddressInfo).port}`]));
      expect(r.code).toBe(1);
      expectOneLineError(r, /did not answer like the EC2 API/);
    } finally {
      server.close();
    }
  });

  test('missing base image: exit 4, one line, no builder left behind', async () => {
    const r = await run(
      bakeArgs(['--endpoint-url', moto.endpoint, '--base-image', 'ubuntu/images/gone', '--base-image-owner', 'self']),
    );
    expect(r.code).toBe(4);
    expectOneLineError(r, /^ami bake: base image "ubuntu\/images\/gone" \(owner self\) not found in af-south-1$/);
    expect(await allInstances(ec2)).toEqual([]);
  });

  test('a bake whose builder never reports: exit 1, one line, the builder is terminated', async () => {
    await registerBaseImage(ec2);
    const r = await run(
      bakeArgs([
        '--endpoint-url',
        moto.endpoint,
        '--base-image',
        BASE.name,
        '--base-image-owner',
        'self',
        '--timeout',
        '1',
      ]),
    );
    expect(r.code).toBe(1);
    expectOneLineError(r, /timed out after 1 s waiting for builder i-[0-9a-f]+ to report ready/);
    const instances = await allInstances(ec2);
    expect(instances).toHaveLength(1);
    expect(instances[0].State?.Name).toBe('terminated');
  }, 30_000);
});

describe('help and version', () => {
  const version = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')).version;

  test.each([
    [
      ['--help'],
      /^usage: npm run -s ami -- <subcommand> \[options\]/,
      ['bake', 'prune', 'check-version', '4', '10', '11'],
    ],
    [['help'], /^usage: npm run -s ami -- <subcommand> \[options\]/, ['bake', 'prune', 'check-version']],
    [['-h'], /^usage: npm run -s ami -- <subcommand> \[options\]/, ['bake']],
    [
      ['bake', '--help'],
      /^usage: npm run -s ami -- bake --edition/,
      ['--base-image NAME', '--security-group-id ID', '4', '130'],
    ],
    [['bake', '--edition', 'nope', '-h'], /^usage: npm run -s ami -- bake /, ['--keep N']],
    [['prune', '--help'], /^usage: npm run -s ami -- prune /, ['--keep N', '--endpoint-url URL']],
    [['check-version', '--help'], /^usage: npm run -s ami -- check-version /, ['--source-url URL', '10', '11']],
  ])('%j: exit 0, usage, options and exit codes on stdout', async (args, usage, mentions) => {
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(usage);
    expect(r.stdout).toContain('exit codes:');
    for (const code of ['0', '1', '2', '3']) expect(r.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    for (const text of mentions)
      expect(r.stdout).toMatch(
        /^\d+$/.test(text)
          ? new RegExp(`^  ${text} +\\S`, 'm')
          : new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
      );
  });

  test('--version prints the package version (in bake and check-version, --version is the Neo4j version)', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `ami ${version}\n`, stderr: '' });
    const bake = await run(['bake', '--version']);
    expect(bake.code).toBe(2);
    expectOneLineError(bake, /^ami bake: --version needs a value/);
  });
});

describe('interrupted bake', () => {
  test('SIGTERM while waiting for the builder: exit 130 and the builder is terminated', async () => {
    await registerBaseImage(ec2);
    const child = spawn(
      process.execPath,
      [cli, ...bakeArgs(['--endpoint-url', moto.endpoint, '--base-image', BASE.name, '--base-image-owner', 'self'])],
      {
        cwd: repoRoot(),
        env: { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const builder = await playBuilder(ec2, 'silent');
    child.kill('SIGTERM');
    expect(await exited).toBe(130);
    expect(withoutSdkAdvisory(stderr).trim()).toBe(
      `ami bake: interrupted by SIGTERM; terminating builder ${builder.InstanceId}`,
    );
    expect((await allInstances(ec2)).map((i) => i.State?.Name)).toEqual(['terminated']);
  }, 30_000);
});

describe('bake and prune through the CLI', () => {
  test('an image already tagged with the version and edition: exit 0, says so, launches nothing', async () => {
    const imageId = await bakedImage(ec2, 'community', '5.26.19');
    const r = await run(bakeArgs(['--endpoint-url', moto.endpoint]));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(
      `${imageId} (credex-neo4j-community-5.26.19-20260101T000000) already has Neo4j community 5.26.19: nothing to do`,
    );
    expect(r.stdout.trim().split('\n').pop()).toBe(`reused ${imageId}`);
    expect(await allInstances(ec2)).toEqual([]);

    const json = await run(bakeArgs(['--endpoint-url', moto.endpoint, '--json']));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ action: 'reused', imageId });
  });

  test('prune --json reports what it deregistered', async () => {
    const ids: string[] = [];
    for (const v of ['5.26.1', '5.26.2']) {
      const id = await registerBaseImage(ec2, `credex-neo4j-community-${v}`);
      await ec2.send(
        new CreateTagsCommand({
          Resources: [id],
          Tags: [
            { Key: TAG_NEO4J_VERSION, Value: v },
            { Key: TAG_NEO4J_EDITION, Value: 'community' },
          ],
        }),
      );
      ids.push(id);
      await new Promise((r) => setTimeout(r, 1100));
    }
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
      '--json',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.kept).toEqual([ids[1]]);
    expect(result.deregistered.map((d: { imageId: string }) => d.imageId)).toEqual([ids[0]]);
  });
});

describe('check-version', () => {
  const METADATA = `<?xml version="1.0" encoding="UTF-8"?>
<metadata><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><versioning>
<latest>2025.10.1</latest><release>2025.10.1</release><versions>
<version>4.4.40</version><version>5.26.0</version><version>5.26.9</version><version>5.26.19</version>
<version>5.26.20</version><version>5.27.0-M01</version><version>5.26.3</version><version>2025.01.0</version>
<version>2025.09.0</version><version>2025.10.1</version>
</versions></versioning></metadata>`;
  let server: Server;
  let url: string;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/maven2/org/neo4j/neo4j/maven-metadata.xml')
        res.writeHead(200, { 'content-type': 'text/xml' }).end(METADATA);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/maven2/org/neo4j/neo4j/maven-metadata.xml`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test.each([
    ['newest of its line', '5.26.20', 0, 'up-to-date', '5.26.20'],
    ['newer patch in its line', '5.26.19', 10, 'newer-available', '5.26.20'],
    ['old line with no newer release in it', '4.4.40', 0, 'up-to-date', '4.4.40'],
    ['calendar version behind', '2025.09.0', 10, 'newer-available', '2025.10.1'],
    ['not a published release', '5.26.99', 11, 'not-published', '5.26.20'],
  ])('%s (%s): exit %i, --json status %s', async (_name, version, code, status, newestInLine) => {
    const before = requests;
    const r = await run(['check-version', '--version', version, '--source-url', url, '--json']);
    expect(requests).toBe(before + 1);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      configured: version,
      line: version.startsWith('2025') ? 'calendar' : version.split('.').slice(0, 2).join('.'),
      status,
      newestInLine,
      newestOverall: '2025.10.1',
      source: url,
      exitCode: code,
    });
  });

  test('text output names the newer release', async () => {
    const r = await run(['check-version', '--version', '5.26.19', '--source-url', url]);
    expect(r.code).toBe(10);
    expect(r.stdout.trim()).toBe(
      'Neo4j 5.26.20 is available; configured 5.26.19 (5.26 line) (newest overall: 2025.10.1)',
    );
  });

  test('unreachable source: exit 3 and one line', async () => {
    const port = await freePort();
    const r = await run([
      'check-version',
      '--version',
      '5.26.19',
      '--source-url',
      `http://127.0.0.1:${port}/maven-metadata.xml`,
    ]);
    expect(r.code).toBe(3);
    expectOneLineError(r, /cannot reach the release source .*: connection refused/);
    expect(r.stdout).toBe('');
  });

  test('source answers 404: exit 1 and one line', async () => {
    const r = await run([
      'check-version',
      '--version',
      '5.26.19',
      '--source-url',
      url.replace('maven-metadata', 'nothing'),
    ]);
    expect(r.code).toBe(1);
    expectOneLineError(r, /answered HTTP 404/);
  });
});
