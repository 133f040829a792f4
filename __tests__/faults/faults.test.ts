/**
 * The fault-injection harness (harness.ts, scenarios.ts): FAULT_RUNS seeded runs (30 in `npm test`, 200 in
 * `npm run test:faults`) of verify and the AMI command against real moto, Neo4j and HTTP servers behind fault
 * injectors. Every run must end within its bound, give the expected verdict (pass when the fault is transient, the
 * named failure kind when it is permanent), stay under 300 MB of RSS and print no planted secret. The table per fault
 * kind is printed (and written to dist/fault-table.md).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NEO4J_SPACES, neo4jSecretKey } from '../../contracts/neo4j';
import { repoRoot } from '../../lib/paths';
import { bundleForTest } from '../support/bundle';
import { type MotoServer } from '../support/moto';
import { startNeo4j, type Neo4jServer } from '../support/neo4j';
import { bakedImage, client, registerBaseImage } from '../support/ami';
import { deploy } from '../support/aws-deploy';
import { isOverMemory, isOverTime, renderTable, runSeeds, tabulate, type RunOutcome } from '../support/faults/harness';
import { SCENARIOS, type Env } from '../support/faults/scenarios';
import { sharedMoto } from '../support/shared-servers';

const RUNS = Number(process.env.FAULT_RUNS ?? 30);
const FIRST_SEED = Number(process.env.FAULT_FIRST_SEED ?? 1);
// Most runs wait on a timeout (idle): 5 at a time keeps npm test's 30 runs short; 3 for the long runs, whose
// slowest-run figures should not measure CPU contention.
const CONCURRENCY = Number(process.env.FAULT_CONCURRENCY ?? (RUNS <= 30 ? 5 : 3));

let moto: MotoServer | undefined;
let neo: Neo4jServer | undefined;
let bundles: string | undefined;
let env: Env;
let outcomes: RunOutcome[] = [];

/** A planted secret: recognisable, distinct per channel, different every test run. */
const plant = (channel: string) =>
  `planted-${channel.replace(/[^a-z]/gi, '').slice(0, 12)}-${Math.random().toString(36).slice(2, 12)}`;

beforeAll(async () => {
  const secrets: Record<string, string> = {
    'Neo4j password (Secrets Manager value)': plant('neo4jpass'),
    '--api-url userinfo': plant('apiurl'),
    '--endpoint-url userinfo': plant('endpointurl'),
    '--source-url userinfo': plant('sourceurl'),
    'outputs file (api_url)': plant('outputsurl'),
    'outputs file (sensitive output)': plant('outputsvalue'),
    AWS_SECRET_ACCESS_KEY: plant('awssecret'),
    AWS_SESSION_TOKEN: plant('sessiontoken'),
    GITHUB_TOKEN: plant('githubtoken'),
  };
  bundles = bundleForTest(['verify/cli.ts', 'tools/ami/cli.ts']);
  [moto, neo] = await Promise.all([
    sharedMoto(),
    startNeo4j({ password: secrets['Neo4j password (Secrets Manager value)'] }),
  ]);
  const bolt = `bolt://127.0.0.1:${neo.port}`;
  const secret: Record<string, string> = {};
  for (const space of NEO4J_SPACES) {
    secret[neo4jSecretKey(space, 'bolturl')] = bolt;
    secret[neo4jSecretKey(space, 'user')] = neo.user;
    secret[neo4jSecretKey(space, 'pass')] = neo.password;
  }
  const deployed = await deploy(moto.endpoint, secret);
  const ec2 = client(moto.endpoint);
  await registerBaseImage(ec2);
  await bakedImage(ec2, 'community', '5.26.19');
  ec2.destroy();
  const workDir = mkdtempSync(path.join(tmpdir(), 'faults-'));
  env = {
    workDir,
    verifyCli: path.join(bundles, 'verify', 'cli.js'),
    amiCli: path.join(bundles, 'tools', 'ami', 'cli.js'),
    moto: moto.endpoint,
    outputs: deployed.outputs,
    neo4jPort: neo.port,
    secrets,
    secretEnv: {
      AWS_ACCESS_KEY_ID: 'AKIDFAULTHARNESS',
      AWS_SECRET_ACCESS_KEY: secrets.AWS_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: secrets.AWS_SESSION_TOKEN,
      GITHUB_TOKEN: secrets.GITHUB_TOKEN,
    },
  };
}, 180_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), neo?.stop()]);
  if (bundles) rmSync(bundles, { recursive: true, force: true });
  if (env?.workDir && outcomes.every((o) => o.verdictOk)) rmSync(env.workDir, { recursive: true, force: true });
});

test(`${RUNS} seeded fault runs: every verdict as expected, within time and memory, no secret printed`, async () => {
  const seeds = Array.from({ length: RUNS }, (_, i) => FIRST_SEED + i);
  const started = Date.now();
  outcomes = await runSeeds(seeds, env, CONCURRENCY);
  const table = renderTable(tabulate(outcomes));
  const header = `fault harness: ${RUNS} runs (seeds ${FIRST_SEED}..${FIRST_SEED + RUNS - 1}, ${SCENARIOS.length} fault kinds, concurrency ${CONCURRENCY}) in ${((Date.now() - started) / 1000).toFixed(0)} s`;
  mkdirSync(path.join(repoRoot(), 'dist'), { recursive: true });
  writeFileSync(path.join(repoRoot(), 'dist', 'fault-table.md'), `${header}\n\n${table}\n`);
  process.stdout.write(`\n${header}\n\n${table}\n\n`);
  const show = (o: RunOutcome) =>
    `seed ${o.seed} [${o.kind}] exit ${o.exitCode} kind ${o.failureKind ?? '-'} ${o.elapsedMs} ms (bound ${o.boundMs}) rss ${o.rssKb ?? '?'} KiB: ${o.detail}`;
  expect(outcomes.filter((o) => !o.verdictOk).map(show)).toEqual([]);
  expect(outcomes.filter(isOverTime).map(show)).toEqual([]);
  expect(outcomes.filter(isOverMemory).map(show)).toEqual([]);
  expect(outcomes.filter((o) => o.leaked.length > 0).map((o) => `${show(o)} leaked ${o.leaked.join(', ')}`)).toEqual(
    [],
  );
}, 1_800_000);
