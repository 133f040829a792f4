/**
 * The real credex-core app (../shared/credex-core, built once into .tools/credex-core) started with exactly the
 * environment the synthesized staging task definition resolves to, and verify run against it.
 *
 * Real: the app (npm ci + tsc, node build/src/index.js), two Neo4j 5.26 servers, moto's Secrets Manager and ECS,
 * the synthesized staging stack, verify's steps. Stand-ins, each named where it is made:
 * - Terraform's apply of the task definition: the synthesized container definitions with their references replaced
 *   by what moto holds (the secrets' ARNs), registered in moto's ECS;
 * - the hosts' addresses: the connection secret carries the local servers' Bolt URLs (what verify's
 *   --neo4j-address maps in a deploy);
 * - the deploy workflow's write of the app secret: the same JSON keys, random values, a dummy exchange-rates key
 *   (nothing calls openexchangerates.org unless the daily DCO runs);
 * - the app's DCO initialization (it needs APOC and openexchangerates.org): one active Daynode written into the
 *   ledger, which onboarding needs.
 */
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import neo4j from 'neo4j-driver';
import { environmentConfig } from '../../../config';
import { APP_SECRET_KEYS, APP_SET_VARIABLES, APP_PORT } from '../../../contracts/app';
import { NEO4J_SECRET_KEYS, type Neo4jSecretKey } from '../../../contracts/neo4j';
import { prepareApp, resolveAppDir, type AppBuild } from '../../../tools/rehearse/app-build';
import { AppStartError, startApp, type RunningApp } from '../../../tools/rehearse/app-process';
import {
  containerDefinitionsFromSynthesized,
  containerFromEcs,
  resolveContainerEnvironment,
} from '../../../tools/rehearse/task-environment';
import { writeReport, type VerifyReport } from '../../../verify/report';
import { runVerify } from '../../../verify/runner';
import { MOTO_CLIENT_CONFIG, type MotoServer } from '../../support/moto';
import { startNeo4j, type Neo4jServer } from '../../support/neo4j';
import { projectStack } from '../../support/synth';
import { sharedMoto } from '../../support/shared-servers';

jest.setTimeout(600_000);

const staging = environmentConfig('staging');
let moto: MotoServer;
let ledger: Neo4jServer;
let search: Neo4jServer;
let build: AppBuild;
let env: Record<string, string>;
let app: RunningApp | undefined;
const reportDir = mkdtempSync(path.join(tmpdir(), 'verify-real-app-'));

// One after the other: on a busy 2-core machine, a build and two JVMs starting at once slow each other past their
// start bounds. Each is assigned as soon as it runs, so afterAll stops whatever started.
beforeAll(async () => {
  build = await prepareApp(resolveAppDir());
  moto = await sharedMoto();
  ledger = await startNeo4j();
  search = await startNeo4j();
});

afterAll(async () => {
  await app?.stop();
  await Promise.all([moto?.stop(), ledger?.stop(), search?.stop()]);
});

/** The staging task definition as Terraform would register it, resolved from moto as ECS would. */
async function resolvedStagingEnvironment(): Promise<Record<string, string>> {
  const json = projectStack('staging');
  const cfg = { ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint };
  const sm = new SecretsManagerClient(cfg);
  const ecs = new ECSClient(cfg);
  try {
    // The two secrets the container reads, with the values their writers would put there.
    const servers: Record<string, Neo4jServer> = { ledgerspace: ledger, searchspace: search };
    const neo4jValue = Object.fromEntries(
      NEO4J_SECRET_KEYS.map((key: Neo4jSecretKey) => {
        const space = key.startsWith('ledgerspace') ? 'ledgerspace' : 'searchspace';
        const field = key.slice(space.length);
        const s = servers[space];
        return [key, field === 'bolturl' ? s.boltUrl : field === 'user' ? s.user : s.password];
      }),
    );
    const appValue = Object.fromEntries(
      APP_SECRET_KEYS.map((k) => [
        k,
        k === 'OPEN_EXCHANGE_RATES_API' ? 'stand-in-no-calls' : randomBytes(24).toString('hex'),
      ]),
    );
    const arnByLogicalId: Record<string, string> = {};
    for (const [id, secret] of Object.entries(json.resource.aws_secretsmanager_secret)) {
      const value =
        secret.name === `credex-core/${staging.name}/app`
          ? appValue
          : secret.name === staging.neo4j.secretName
            ? neo4jValue
            : undefined;
      if (!value) continue; // the hosts' own password secrets: not read by the container
      const created = await sm.send(
        new CreateSecretCommand({ Name: secret.name, SecretString: JSON.stringify(value) }),
      );
      arnByLogicalId[id] = created.ARN!;
    }
    // Terraform's apply stand-in: references -> deployed values, then RegisterTaskDefinition.
    const task = Object.values(json.resource.aws_ecs_task_definition)[0];
    const defs = containerDefinitionsFromSynthesized(task.container_definitions, (ref) => {
      const m = /^aws_secretsmanager_secret\.([^.]+)\.arn$/.exec(ref);
      if (m) return arnByLogicalId[m[1]];
      if (ref.startsWith('data.aws_ecr_repository.'))
        return '123456789012.dkr.ecr.af-south-1.amazonaws.com/credex-core';
      const group = /^aws_cloudwatch_log_group\.([^.]+)\.name$/.exec(ref);
      if (group) return json.resource.aws_cloudwatch_log_group[group[1]].name;
      return undefined;
    });
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: task.family,
        requiresCompatibilities: task.requires_compatibilities,
        networkMode: task.network_mode,
        cpu: task.cpu,
        memory: task.memory,
        containerDefinitions: defs as never,
      }),
    );
    const container = await containerFromEcs(ecs, registered.taskDefinition!.taskDefinitionArn!);
    return await resolveContainerEnvironment(container, sm);
  } finally {
    sm.destroy();
    ecs.destroy();
  }
}

test('the staging task definition resolved from moto gives the app exactly its contract variables', async () => {
  env = await resolvedStagingEnvironment();
  expect(Object.keys(env).sort()).toEqual(APP_SET_VARIABLES.map((v) => v.name).sort());
  expect(env.PORT).toBe(String(APP_PORT));
  expect(env.NODE_ENV).toBe(staging.nodeEnv);
  expect(env.NEO_4J_LEDGER_SPACE_BOLT_URL).toBe(ledger.boltUrl);
  expect(env.NEO_4J_SEARCH_SPACE_PASS).toBe(search.password);
});

test('the real app starts with that environment, nothing added, and GET /health answers healthy', async () => {
  // Stand-in for the app's DCO initialization: the active day onboarding needs.
  const driver = neo4j.driver(ledger.boltUrl, neo4j.auth.basic(ledger.user, ledger.password));
  try {
    await driver.executeQuery('CREATE (:Daynode {Date: date(), Active: true})');
  } finally {
    await driver.close();
  }
  // The rehearsal test's app (another jest worker) may hold APP_PORT for a few minutes: wait for it.
  app = await startApp(build, env, { healthTimeoutMs: 60_000, portWaitMs: 300_000 });
  expect(app.url).toBe(`http://127.0.0.1:${APP_PORT}`);
  const res = await fetch(`${app.url}/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'healthy' });
  // Figures for the record (build once, start on every run).
  console.log(
    `credex-core: install ${build.installSeconds.toFixed(1)} s, compile ${build.compileSeconds.toFixed(1)} s (0 = cached), healthy ${app.startMs} ms after spawn`,
  );
});

test("verify's api-health, smoke (member journey included), load and rate-limit probe pass against the real app", async () => {
  expect(app).toBeDefined();
  const report: VerifyReport = await runVerify({
    stack: 'staging',
    env: staging,
    outputs: { source: 'stand-in (no deploy: the app runs locally)', healthPath: '/health' },
    only: ['api-health', 'smoke', 'load', 'rate-limit'],
    apiUrl: app!.url,
    loadEngine: 'embedded',
    reportDir,
  });
  writeReport(reportDir, report, {});
  const byStep = Object.fromEntries(report.steps.map((s) => [s.step, s]));
  const summary = ['api-health', 'smoke', 'load', 'rate-limit'].map((s) => [s, byStep[s].status, byStep[s].message]);
  expect(summary).toEqual(summary.map(([s, , m]) => [s, 'passed', m]));
  expect(byStep.smoke.figures.memberJourney).toBe('passed');
  // The app's "authenticated" member routes answer without a token: reported, not failed.
  expect(byStep.smoke.findings?.join(' ')).toContain('without a token');
  // The load measured the app: served answers only, nothing refused by the limiter.
  expect(byStep.load.figures).toMatchObject({ rateLimited: 0, errorRate: 0 });
  expect(Number(byStep.load.figures.served)).toBeGreaterThan(0);
  // The probe: one budget for every client address, 2 hits a request of 100.
  expect(byStep['rate-limit'].figures).toMatchObject({ key: 'socket-address', hitsPerRequest: 2, limit: 100 });
  expect(byStep['rate-limit'].findings?.[0]).toMatch(
    /^all clients behind the load balancer share one rate-limit budget/,
  );
  const probe = byStep['rate-limit'].figures;
  console.log(
    `verify against the real app: load ${byStep.load.message}; rate-limit: ${probe.servedBefore429} served before the first 429, ${probe.hitsPerRequest} hits a request of ${probe.limit}, key ${probe.key}; report ${reportDir}/report.md`,
  );
  expect(readFileSync(path.join(reportDir, 'report.md'), 'utf8')).toContain('### Findings');
});

test('the environment of the old task definition (NEO4J_ names, no CLIENT_API_KEY) stops the real app at start-up', async () => {
  const old: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name === 'CLIENT_API_KEY' || name === 'PORT') continue;
    old[name.replace(/^NEO_4J_/, 'NEO4J_')] = value;
  }
  old.PORT = String(APP_PORT + 1); // not the running app's port
  const started = startApp(build, old, { healthTimeoutMs: 30_000 });
  await expect(started).rejects.toBeInstanceOf(AppStartError);
  await expect(started).rejects.toThrow(
    /Missing required environment variables: NEO_4J_LEDGER_SPACE_USER, NEO_4J_LEDGER_SPACE_PASS, NEO_4J_SEARCH_SPACE_USER, NEO_4J_SEARCH_SPACE_PASS, NEO_4J_LEDGER_SPACE_BOLT_URL, NEO_4J_SEARCH_SPACE_BOLT_URL, CLIENT_API_KEY/,
  );
});
