/**
 * The install script's last step, for real: its `report` function (IMDSv2 token, instance identity and role
 * credentials from the metadata service, then a SigV4-signed EC2 CreateTags with curl) run by bash against a local
 * metadata server and moto. This is the signal bake.ts waits for. moto does not check signatures, so this proves
 * the request shape and the IMDSv2 handshake, not IAM.
 */
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TAG_BUILD_STATE, TAG_BUILD_STEP } from '../../../contracts/ami';
import { BUILD_SCRIPT_PATH } from '../../../tools/ami/build-script';
import { MotoServer } from '../../support/moto';
import { allInstances, client, registerBaseImage, tag } from '../../support/ami';
import { sharedMoto } from '../../support/shared-servers';

let moto: MotoServer;
let ec2: EC2Client;
let imds: Server;
let imdsUrl: string;
let instanceId = '';
const TOKEN = 'imds-token-123';
let tokenRequests = 0;
let refusedWithoutToken = 0;

beforeAll(async () => {
  moto = await sharedMoto();
  ec2 = client(moto.endpoint);
  // A metadata service that, like IMDSv2 with HttpTokens=required, answers nothing without a session token.
  imds = createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      tokenRequests++;
      res.end(TOKEN);
      return;
    }
    if (req.headers['x-aws-ec2-metadata-token'] !== TOKEN) {
      refusedWithoutToken++;
      res.writeHead(401).end();
      return;
    }
    const answers: Record<string, string> = {
      '/latest/meta-data/instance-id': instanceId,
      '/latest/meta-data/placement/region': 'af-south-1',
      '/latest/meta-data/iam/security-credentials/': 'credex-staging-neo4j-ami-builder',
      '/latest/meta-data/iam/security-credentials/credex-staging-neo4j-ami-builder': JSON.stringify({
        Code: 'Success',
        AccessKeyId: 'ASIATESTING',
        SecretAccessKey: 'testing',
        Token: 'session-token',
      }),
    };
    const body = answers[req.url ?? ''];
    if (body === undefined) res.writeHead(404).end();
    else res.end(body);
  });
  await new Promise<void>((r) => imds.listen(0, '127.0.0.1', r));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
});

afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
  await new Promise<void>((r) => imds?.close(() => r()));
});

beforeEach(async () => {
  await moto.reset();
  const imageId = await registerBaseImage(ec2);
  instanceId = (await ec2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1 }))).Instances![0]
    .InstanceId!;
});

/** The script's IMDS_URL line and its imds() and report() functions, as bash sees them in the real file. */
function reportFunctions(): string {
  const script = readFileSync(BUILD_SCRIPT_PATH, 'utf8');
  const pick = (start: RegExp) => {
    const from = script.search(start);
    if (from < 0) throw new Error(`install-neo4j.sh: ${start} not found`);
    const end = script.indexOf('\n}\n', from);
    return script.slice(from, end + 3);
  };
  const imdsLine = /^IMDS_URL=.*$/m.exec(script)?.[0];
  if (!imdsLine) throw new Error('install-neo4j.sh: IMDS_URL line not found');
  return [imdsLine, pick(/^imds\(\) \{/m), pick(/^report\(\) \{/m)].join('\n');
}

function runReport(args: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['--norc', '--noprofile', '-euo', 'pipefail', '-c', `${reportFunctions()}\nreport ${args}`],
      {
        env: { PATH: process.env.PATH ?? '', NEO4J_AMI_IMDS_URL: imdsUrl, NEO4J_AMI_EC2_URL: moto.endpoint + '/' },
        timeout: 30_000,
      },
      (error, _stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

test('report ready tags the builder Neo4jBuild=ready through IMDSv2 and a signed CreateTags', async () => {
  const before = tokenRequests;
  const r = await runReport('ready');
  expect(r).toEqual({ code: 0, stderr: '' });
  expect(tokenRequests).toBeGreaterThan(before);
  expect(refusedWithoutToken).toBe(0);
  const builder = (await allInstances(ec2)).find((i) => i.InstanceId === instanceId);
  expect(tag(builder?.Tags, TAG_BUILD_STATE)).toBe('ready');
  expect(tag(builder?.Tags, TAG_BUILD_STEP)).toBeUndefined();
});

test('report failed names the step', async () => {
  const r = await runReport('failed neo4j-install');
  expect(r.code).toBe(0);
  const builder = (await allInstances(ec2)).find((i) => i.InstanceId === instanceId);
  expect(tag(builder?.Tags, TAG_BUILD_STATE)).toBe('failed');
  expect(tag(builder?.Tags, TAG_BUILD_STEP)).toBe('neo4j-install');
});
