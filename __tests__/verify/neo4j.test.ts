/**
 * The neo4j step against real Neo4j 5.26 Community servers (Maven Central jars, dev/neo4j/TestServer.java) on
 * 127.0.0.1, with credentials read from a real moto Secrets Manager; and one full verify run over every step:
 * moto (ECS, ELBv2, Secrets Manager), Neo4j, and a local HTTP API with the embedded load engine.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { environmentConfig, type EnvironmentConfig } from '../../config';
import { checkSpace, checkSpaces, type SpaceCredentials } from '../../verify/neo4j';
import { writeReport } from '../../verify/report';
import { runVerify } from '../../verify/runner';
import { MOTO_CLIENT_CONFIG, type MotoServer } from '../support/moto';
import { startNeo4j, type Neo4jServer } from '../support/neo4j';
import { deploy } from '../support/aws-deploy';
import { send, startHttpServer, type TestHttpServer } from '../support/http-server';
import { failureOf } from '../support/step-failure';
import { sharedMoto, sharedNeo4j } from '../support/shared-servers';

const staging = environmentConfig('staging');

let neo: Neo4jServer;
let expired: Neo4jServer;
let moto: MotoServer;
let api: TestHttpServer;

beforeAll(async () => {
  [neo, expired, moto, api] = await Promise.all([
    sharedNeo4j(),
    startNeo4j({ expired: true }),
    sharedMoto(),
    startHttpServer((req, res) => {
      if (req.url === '/health') return send(res, 200, { status: 'healthy' });
      return send(res, 404, { error: 'not found' });
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([neo?.stop(), expired?.stop(), moto?.stop(), api?.close()]);
}, 60_000);

const creds = (server: Neo4jServer, name: string, password = server.password): SpaceCredentials => ({
  name,
  url: server.boltUrl,
  user: server.user,
  password,
});

/** The six-key connection secret for `server` (both spaces on it), with `boltUrl` as the address in the secret. */
const secretFor = (server: Neo4jServer, boltUrl = server.boltUrl): Record<string, string> => ({
  ledgerspacebolturl: boltUrl,
  ledgerspaceuser: server.user,
  ledgerspacepass: server.password,
  searchspacebolturl: boltUrl,
  searchspaceuser: server.user,
  searchspacepass: server.password,
});

/** staging's config with the local server's version (the AMI pins another patch) and a short load profile. */
function localEnv(version: string): EnvironmentConfig {
  return {
    ...staging,
    neo4j: { ...staging.neo4j, version },
    verify: { ...staging.verify, load: { ...staging.verify.load, virtualUsers: 4, durationSeconds: 2 } },
  };
}

test('both spaces pass: connectivity, version and edition as configured, a read query', async () => {
  const result = await checkSpaces(
    [creds(neo, 'LedgerSpace'), creds(neo, 'SearchSpace')],
    { edition: 'community', version: neo.version },
    10_000,
  );
  expect(neo.version).toMatch(/^5\.26\.\d+$/);
  expect(result.figures).toEqual({
    'LedgerSpace.version': neo.version,
    'LedgerSpace.edition': 'community',
    'LedgerSpace.nodes': 0,
    'SearchSpace.version': neo.version,
    'SearchSpace.edition': 'community',
    'SearchSpace.nodes': 0,
  });
  expect(result.message).toContain(
    `LedgerSpace bolt://127.0.0.1:${neo.port}: Neo4j ${neo.version} community, 0 nodes readable`,
  );
});

test('wrong password: a named auth failure, at once, without the password', async () => {
  const started = Date.now();
  const failure = await failureOf(checkSpace(creds(neo, 'LedgerSpace', 'wrong-password-123'), {}, 20_000));
  expect(failure.kind).toBe('auth');
  expect(failure.message).toBe(
    `auth failure: LedgerSpace Neo4j at bolt://127.0.0.1:${neo.port}: Neo.ClientError.Security.Unauthorized: The client is unauthorized due to authentication failure.`,
  );
  expect(failure.message).not.toContain('wrong-password-123');
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('edition or version other than the config: wrong answer', async () => {
  const edition = await failureOf(checkSpace(creds(neo, 'SearchSpace'), { edition: 'enterprise' }, 10_000));
  expect(edition.kind).toBe('wrong-answer');
  expect(edition.message).toBe(
    `wrong answer: SearchSpace Neo4j at bolt://127.0.0.1:${neo.port} runs the community edition, config expects enterprise`,
  );
  const version = await failureOf(checkSpace(creds(neo, 'SearchSpace'), { version: '5.26.0' }, 10_000));
  expect(version.message).toContain(`runs Neo4j ${neo.version}, config expects 5.26.0`);
});

test('expired credentials are their own named failure', async () => {
  const failure = await failureOf(checkSpace(creds(expired, 'SearchSpace'), {}, 10_000));
  expect(failure.kind).toBe('expired-credentials');
  expect(failure.message).toMatch(
    /^expired credentials: SearchSpace Neo4j at bolt:\/\/127\.0\.0\.1:\d+: Neo\.ClientError\.Security\.CredentialsExpired/,
  );
});

test('stopped server: a named unreachable failure within the timeout', async () => {
  await expired.stop();
  const started = Date.now();
  const failure = await failureOf(checkSpace(creds(expired, 'LedgerSpace'), {}, 3000));
  const elapsed = Date.now() - started;
  expect(failure.kind).toBe('refused');
  expect(failure.message).toBe(
    `refused/unreachable: LedgerSpace Neo4j at bolt://127.0.0.1:${expired.port} unreachable — connection refused (ECONNREFUSED) (gave up after 3 s)`,
  );
  expect(elapsed).toBeLessThan(3000 + 2500);
});

// smoke and rate-limit ask the app's own routes and limiter (contracts/app.ts): the stand-in API here answers only
// /health, so they run against the real app in __tests__/tools/rehearse/app-on-estate.test.ts.
test('full verify run over every other step passes (moto + Neo4j + local API, embedded load engine)', async () => {
  const deployed = await deploy(moto.endpoint, secretFor(neo));
  const dir = mkdtempSync(path.join(tmpdir(), 'verify-full-'));
  const outputsFile = path.join(dir, 'outputs.json');
  writeFileSync(outputsFile, JSON.stringify({ staging: { ...deployed.outputs, api_url: api.url } }, null, 2));

  const report = await runVerify({
    stack: 'staging',
    env: localEnv(neo.version),
    outputsFile,
    endpointUrl: moto.endpoint,
    loadEngine: 'embedded',
    timeoutSeconds: 20,
    reportDir: dir,
    skip: ['smoke', 'rate-limit'],
  });
  expect(report.steps.map((s) => `${s.step} ${s.status}`)).toEqual([
    'outputs passed',
    'ecs-stable passed',
    'target-health passed',
    'dns passed',
    'api-health passed',
    'neo4j passed',
    'secret-age passed',
    'smoke skipped',
    'load passed',
    'rate-limit skipped',
  ]);
  expect(report.passed).toBe(true);
  // a local API on 127.0.0.1 has no DNS name to check (verify/dns.ts; the DNS decisions: dns.test.ts)
  expect(report.steps.find((s) => s.step === 'dns')!.message).toMatch(/^skipped: the API URL names an IP address/);
  expect(report.loadEngine).toBe('embedded');
  const load = report.steps.find((s) => s.step === 'load')!;
  // Paced inside the app's budget: 2 s at staging's 25 requests a minute.
  expect(load.figures).toMatchObject({ requestsPerMinute: 25, rateLimited: 0 });
  expect(Number(load.figures.requests)).toBeGreaterThanOrEqual(1);
  expect(JSON.stringify(report)).not.toContain(neo.password);

  // The docs' example report comes from this run: VERIFY_EXAMPLE_DIR=docs/verify-example npx jest ...
  if (process.env.VERIFY_EXAMPLE_DIR) {
    mkdirSync(process.env.VERIFY_EXAMPLE_DIR, { recursive: true });
    writeReport(process.env.VERIFY_EXAMPLE_DIR, report, {});
    expect(readFileSync(path.join(process.env.VERIFY_EXAMPLE_DIR, 'report.md'), 'utf8')).toContain('PASSED');
  }
}, 60_000);

test('--neo4j-address: credentials from the secret, Bolt through another address (the local end of an SSM port forward)', async () => {
  const port = new URL(neo.boltUrl).port;
  // The secret's addresses answer nothing (as the VPC-private ones do from outside the VPC).
  await moto.reset(); // a fresh emulated account for this deployment
  const deployed = await deploy(moto.endpoint, secretFor(neo, 'bolt://127.0.0.1:1'));
  const dir = mkdtempSync(path.join(tmpdir(), 'verify-tunnel-'));
  const outputsFile = path.join(dir, 'outputs.json');
  writeFileSync(outputsFile, JSON.stringify({ staging: deployed.outputs }, null, 2));
  const run = (neo4jAddresses?: Record<string, string>) =>
    runVerify({
      stack: 'staging',
      env: localEnv(neo.version),
      outputsFile,
      endpointUrl: moto.endpoint,
      only: ['neo4j'],
      timeoutSeconds: 3,
      reportDir: dir,
      neo4jAddresses,
    });

  const through = await run({ ledgerspace: `127.0.0.1:${port}`, searchspace: `127.0.0.1:${port}` });
  const step = through.steps.find((s) => s.step === 'neo4j')!;
  expect(step.status).toBe('passed');
  expect(step.message).toContain(`LedgerSpace bolt://127.0.0.1:${port}: Neo4j ${neo.version}`);

  const direct = await run();
  expect(direct.steps.find((s) => s.step === 'neo4j')!.message).toMatch(
    /^refused\/unreachable: LedgerSpace Neo4j at bolt:\/\/127\.0\.0\.1:1 unreachable/,
  );
}, 60_000);

test('the staging config pins another Neo4j patch than the local server: the step says so', async () => {
  const sm = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
  const created = await sm.send(
    new CreateSecretCommand({
      Name: 'neo4j_version_check',
      SecretString: JSON.stringify(secretFor(neo)),
    }),
  );
  sm.destroy();
  const report = await runVerify({
    stack: 'staging',
    env: { ...staging, neo4j: { ...staging.neo4j, version: '5.26.1' } },
    outputs: { source: 'test', region: MOTO_CLIENT_CONFIG.region, neo4jSecretArn: created.ARN },
    only: ['neo4j'],
    endpointUrl: moto.endpoint,
    timeoutSeconds: 10,
    reportDir: mkdtempSync(path.join(tmpdir(), 'verify-neo4j-')),
  });
  const step = report.steps.find((s) => s.step === 'neo4j')!;
  expect(step).toMatchObject({ status: 'failed', failureKind: 'wrong-answer' });
  expect(step.message).toContain(
    `LedgerSpace Neo4j at bolt://127.0.0.1:${neo.port} runs Neo4j ${neo.version}, config expects 5.26.1`,
  );
  expect(step.message).toContain('SearchSpace');
});
