/**
 * The deploy rehearsal on one machine (`npm run rehearse -- staging`): the environment's stack applied with Terraform
 * against moto, the real credex-core app started with exactly the environment its applied task definition resolves
 * to, verify end to end, a Neo4j password rotation while the app serves, the app restarted on the new credentials,
 * destroy. What ran for real and what stood in for what is in the report (./report.ts); docs/rehearsal.md explains.
 *
 * Order: build the app (cached), start moto, apply global and the stack (tools/terraform runLifecycles: init, apply
 * with the AMI bake, a second plan), then while the stacks stand: the Neo4j servers, the app secret, the app, verify,
 * the rotation and the restart; then destroy. Every process started here is stopped on every path, Ctrl-C included.
 */
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import neo4j from 'neo4j-driver';
import { environmentConfig } from '../../config';
import { APP_SET_VARIABLES } from '../../contracts/app';
import { NEO4J_SPACES, type Neo4jSpace } from '../../contracts/neo4j';
import { neo4jPasswordSecretName } from '../../contracts/naming';
import { STACK_OUTPUTS } from '../../contracts/outputs';
import { GLOBAL_STACK_NAME } from '../../contracts/stacks';
import { errorText } from '../../lib/errors';
import { motoServerEnvironment, runLifecycles, type LifecycleReport, type MotoLifecycle } from '../terraform/lifecycle';
import { motoEnvironment } from '../terraform/moto';
import { MOTO_CLIENT_CONFIG, startMoto, type MotoServer } from '../terraform/moto-server';
import { prepareApp, type AppBuild } from './app-build';
import { startApp, type RunningApp } from './app-process';
import {
  hostCredentials,
  pointConnectionSecret,
  writeAppSecret,
  type AddressMapping,
  type AppSecretWrite,
} from './estate';
import { watchMemory, type MemoryPeak } from './memory';
import { startNeo4j, type Neo4jServer } from './neo4j-server';
import { checkRoute, probeApp, rotateSpace, rotationBundle, type ProbeFigures, type StepRun } from './rotation';
import { containerFromEcs, resolveContainerEnvironment } from './task-environment';
import { runVerifyCommand, verifyCommand, type VerifyRun, type VerifyStepResult } from './verify-run';

export interface RehearsalOptions {
  /** The environment stack: staging. */
  readonly stack: string;
  readonly appDir: string;
  /** The synthesized stacks: `<dir>/stacks/<name>/cdk.tf.json` (cdktf.out). */
  readonly synthDir: string;
  /** Where rehearsal.json, rehearsal.md and verify's reports go. */
  readonly reportDir: string;
  /** Scratch folder inside the repository (Terraform working copies, moto's image file). */
  readonly workDir: string;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface PhaseTime {
  readonly phase: string;
  readonly seconds: number;
}

export interface RotationResult {
  /** The function's environment as Terraform rendered it (ARNs and names, no secret) and the host secrets' ARNs. */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  readonly hostSecretArns: Readonly<Record<string, string>>;
  readonly spaces: readonly { readonly space: Neo4jSpace; readonly steps: readonly StepRun[] }[];
  /** The app probed meanwhile. */
  readonly probes: ProbeFigures;
  /** New deployments of the service seen in moto (the function's forceNewDeployment), one per rotated space. */
  readonly forcedNewDeployments: number;
  /**
   * The app restarted as each new deployment's task would start (fresh environment from the task definition): the
   * last restart, after the last space's rotation.
   */
  readonly restart?: {
    readonly after: Neo4jSpace;
    readonly startMs: number;
    /** The Neo4j user each space's variables name after the rotation (user names only, never passwords). */
    readonly users: Readonly<Record<string, string>>;
    /** The environment's passwords are the host secrets' new AWSCURRENT ones (compared, never printed). */
    readonly passwordsAreRotated: boolean;
    /** The rotated space's user is not the one the app started with. */
    readonly usersChanged: boolean;
    /** What the app answered with the new credentials: health, and a route that reads the ledger. */
    readonly health: string;
    readonly ledger: string;
    /** Neo4j's own view: the users of the app's Bolt connections to the ledger server. */
    readonly ledgerConnectionUsers: readonly string[];
    readonly connected: boolean;
  };
}

export interface RehearsalReport {
  readonly stack: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly passed: boolean;
  readonly interrupted?: string;
  /** The first failure, one line. */
  readonly failure?: string;
  readonly phases: readonly PhaseTime[];
  readonly app?: {
    readonly appDir: string;
    readonly lockHash: string;
    readonly sourceHash: string;
    readonly installSeconds: number;
    readonly compileSeconds: number;
    readonly taskDefinitionArn: string;
    /** The variable names the app got (values never recorded). */
    readonly variables: readonly string[];
    /** The names are exactly the contract's set variables. */
    readonly variablesAreTheContract: boolean;
    readonly startMs: number;
  };
  readonly appSecret?: AppSecretWrite;
  readonly neo4j?: { readonly version: string; readonly addresses: readonly AddressMapping[] };
  readonly lifecycles: readonly LifecycleReport[];
  readonly verify?: {
    readonly passed: boolean;
    readonly reportDir: string;
    readonly steps: readonly VerifyStepResult[];
  };
  /** ecs-stable and target-health, asked of moto: judged where moto can answer, else why not. */
  readonly againstMoto: readonly {
    readonly step: string;
    readonly judged: boolean;
    readonly status: string;
    readonly note: string;
  }[];
  readonly rotation?: RotationResult;
  readonly memory?: MemoryPeak;
  readonly standIns: readonly { readonly what: string; readonly standsFor: string; readonly how: string }[];
  readonly findings: readonly string[];
}

/** What stands in for what, on every run (the lifecycle's own changes are listed from its report). */
export const STAND_INS_OF_THE_REHEARSAL = [
  {
    what: 'moto server (single-threaded)',
    standsFor: 'AWS (af-south-1)',
    how: 'every AWS call of Terraform, verify, the rotation function and the app-secret write goes to it',
  },
  {
    what: 'a local node process',
    standsFor: 'the ECS task',
    how: 'node build/src/index.js from the app built as its Dockerfile does (npm ci, tsc), with exactly the environment the registered task definition resolves to from moto',
  },
  {
    what: 'two local Neo4j 5.26 Community servers',
    standsFor: 'the LedgerSpace and SearchSpace EC2 hosts',
    how: 'each started with the password Terraform wrote into its host secret, as the host sets it at first boot',
  },
  {
    what: 'connection secret bolturl keys rewritten to the local servers',
    standsFor: "the hosts' private IPs (the ENIs' addresses)",
    how: "a new AWSCURRENT version with only the two <space>bolturl keys changed: the mapping verify's --neo4j-address does",
  },
  {
    what: 'random values in the deploy workflow’s put-app-secret.sh',
    standsFor: 'the GitHub environment secrets',
    how: 'the workflow script itself writes the app secret in moto with the contract’s keys',
  },
  {
    what: 'one active Daynode written into the ledger',
    standsFor: "the app's DCO initialization (needs APOC and openexchangerates.org)",
    how: 'onboarding a member (verify’s member journey) needs an active day',
  },
  {
    what: 'the four step events sent by the rehearsal',
    standsFor: "Secrets Manager's RotateSecret invoking the rotation Lambda",
    how: 'the deployed bundle (dist/functions/neo4j-rotation/index.js) run by node with the environment Terraform rendered for the function; AWS_ENDPOINT_URL points it at moto',
  },
  {
    what: 'stopping the app and starting it again with a freshly resolved environment',
    standsFor: "the forced new ECS deployment's task replacement",
    how: 'the same task definition, its secrets read again (ECS reads them at task start); locally the old task stops first (one port)',
  },
] as const;

const ECS_NOTE =
  'moto runs no ECS task: the running count it reports is the one the rehearsal gives it (MOTO_ECS_SERVICE_RUNNING), standing for the local app process';
const TARGETS_NOTE =
  'moto runs no ECS task, so nothing registers in the target group and nothing checks its health (the app is a local process the load balancer does not know)';

/** Runs the rehearsal; resolves with the report (also written to reportDir), never rejects on a failed phase. */
export async function runRehearsal(options: RehearsalOptions): Promise<RehearsalReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const log = options.log;
  const phases: PhaseTime[] = [];
  const memory = watchMemory();
  let phaseStart = Date.now();
  const phase = (name: string) => {
    const now = Date.now();
    phases.push({ phase: name, seconds: (now - phaseStart) / 1000 });
    phaseStart = now;
  };
  const begin = (name: string) => {
    phaseStart = Date.now();
    log(`== ${name}`);
  };

  let moto: MotoServer | undefined;
  const servers: Partial<Record<Neo4jSpace, Neo4jServer>> = {};
  let app: RunningApp | undefined;
  let lifecycles: LifecycleReport[] = [];
  let failure: string | undefined;
  let built: AppBuild | undefined;
  const partial: {
    app?: RehearsalReport['app'];
    appSecret?: AppSecretWrite;
    neo4j?: RehearsalReport['neo4j'];
    verify?: RehearsalReport['verify'];
    againstMoto: RehearsalReport['againstMoto'][number][];
    rotation?: RotationResult;
  } = { againstMoto: [] };
  mkdirSync(options.reportDir, { recursive: true });
  // The app's PORT is the task definition's; another local process (another test's app) may hold it for a while.
  const appStart = { signal: options.signal, portWaitMs: 300_000, log: (l: string) => log(`  ${l}`) };
  const abortable = () => {
    if (options.signal?.aborted) throw new Error(`interrupted by ${String(options.signal.reason ?? 'signal')}`);
  };

  try {
    // Fail before anything starts when a bundle the rehearsal runs is missing.
    verifyCommand();
    rotationBundle();

    begin('build the app (npm ci + tsc, cached by source hash)');
    const build: AppBuild = await prepareApp(options.appDir, { log: (l) => log(`  ${l}`), signal: options.signal });
    built = build;
    log(
      `  app ${build.appDir}: ${build.installed ? 'installed' : 'dependencies cached'}, ${build.compiled ? 'compiled' : 'build cached'}`,
    );
    phase('build-app');

    begin('start moto (stands in for AWS)');
    mkdirSync(options.workDir, { recursive: true });
    // moto reports the service's running count it is told: the local app process is the task (a stand-in, listed);
    // without it moto's deployment stays IN_PROGRESS forever and the rotation refuses to start, as it must.
    moto = await startMoto({
      ...motoServerEnvironment(options.workDir),
      MOTO_ECS_SERVICE_RUNNING: String(environmentConfig(options.stack).service.desiredCount),
    });
    log(`  moto at ${moto.endpoint}`);
    phase('moto');

    const stacks = [GLOBAL_STACK_NAME, options.stack];
    let destroying = false;
    begin(`apply ${stacks.join(' + ')} with Terraform against moto (the AMI bake runs inside the apply)`);
    const endpoint = moto.endpoint;
    const run = await runLifecycles({
      motoEndpoint: endpoint,
      stacks: stacks.map((s) => ({
        stackDir: path.join(options.synthDir, 'stacks', s),
        workDir: path.join(options.workDir, s),
      })),
      signal: options.signal,
      log: (l) => log(`  ${l}`),
      beforeDestroy: async (applied) => {
        phase('apply-and-plan-again');
        try {
          await whileTheStackStands(applied[applied.length - 1]);
        } finally {
          await app?.stop();
          await Promise.all(Object.values(servers).map((s) => s.stop()));
          begin(`destroy ${[...stacks].reverse().join(', ')}`);
          destroying = true;
        }
      },
    });
    // The lifecycle reports are kept on a failure too: what was applied, destroyed and kept up to it.
    lifecycles = [...run.reports];
    if (destroying) phase('destroy');
    if (run.failure !== undefined) throw run.failure;
  } catch (err) {
    failure = errorText(err);
    log(`FAILED: ${failure}`);
  } finally {
    await app?.stop();
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    await moto?.stop();
  }

  async function whileTheStackStands(lifecycle: MotoLifecycle): Promise<void> {
    const endpoint = moto!.endpoint;
    const outputs = Object.fromEntries(Object.entries(await lifecycle.outputs()).map(([k, v]) => [k, v.value]));
    const outputsFile = path.join(options.reportDir, 'outputs.json');
    writeFileSync(outputsFile, JSON.stringify(await lifecycle.outputs(), null, 1));
    const region = String(outputs[STACK_OUTPUTS.region] ?? MOTO_CLIENT_CONFIG.region);
    const cfg = { ...MOTO_CLIENT_CONFIG, region, endpoint };
    const sm = new SecretsManagerClient(cfg);
    const ecs = new ECSClient(cfg);
    try {
      begin('two Neo4j 5.26 servers (stand in for the LedgerSpace and SearchSpace hosts)');
      for (const space of NEO4J_SPACES) {
        abortable();
        const creds = await hostCredentials(sm, neo4jPasswordSecretName(options.stack, space));
        servers[space] = await startNeo4j({ password: creds.password });
        log(
          `  ${space}: Neo4j ${servers[space]!.version} at ${servers[space]!.boltUrl}, password from its host secret`,
        );
      }
      const connectionSecret = String(outputs[STACK_OUTPUTS.neo4jSecretArn]);
      const addresses = await pointConnectionSecret(sm, connectionSecret, {
        ledgerspace: servers.ledgerspace!.boltUrl,
        searchspace: servers.searchspace!.boltUrl,
      });
      for (const a of addresses)
        log(`  ${a.space}: ${a.host} -> ${a.local} (stand-in: the connection secret's address)`);
      partial.neo4j = { version: servers.ledgerspace!.version, addresses };
      // Stand-in for the app's DCO initialization: the active day onboarding needs.
      await withDriver(servers.ledgerspace!, (d) => d.executeQuery('CREATE (:Daynode {Date: date(), Active: true})'));
      phase('neo4j');

      begin("app secret: the deploy workflow's put-app-secret.sh against moto");
      partial.appSecret = await writeAppSecret(
        String(outputs[STACK_OUTPUTS.appSecretArn]),
        endpoint,
        region,
        options.workDir,
      );
      log(`  ${partial.appSecret.line} (AWS CLI: ${partial.appSecret.awsCli})`);
      phase('app-secret');

      begin('start the app with the environment its task definition resolves to');
      const taskDefinitionArn = String(outputs[STACK_OUTPUTS.taskDefinitionArn]);
      const env = await resolveContainerEnvironment(await containerFromEcs(ecs, taskDefinitionArn), sm);
      const names = Object.keys(env).sort();
      const build = built!;
      app = await startApp(build, env, appStart);
      partial.app = {
        appDir: build.appDir,
        lockHash: build.lockHash,
        sourceHash: build.sourceHash,
        installSeconds: build.installSeconds,
        compileSeconds: build.compileSeconds,
        taskDefinitionArn,
        variables: names,
        variablesAreTheContract: sameList(
          names,
          APP_SET_VARIABLES.map((v) => v.name),
        ),
        startMs: app.startMs,
      };
      log(`  ${app.url}: healthy ${app.startMs} ms after start, variables ${names.join(', ')}`);
      phase('app-start');

      begin('verify end to end (outputs, api-health, neo4j, secret-age, smoke, load, rate-limit)');
      const verifyEnv = { ...process.env, ...motoEnvironment(endpoint), AWS_REGION: region };
      const mapping = addresses.map((a) => `${a.space}=${new URL(a.local).host}`).join(',');
      // Every verify run here reads the applied outputs and asks moto.
      const onEstate = ['--stack', options.stack, '--outputs', outputsFile, '--endpoint-url', endpoint];
      const judged: VerifyRun = await runVerifyCommand({
        args: [...onEstate, '--api-url', app.url, '--neo4j-address', mapping, '--skip', 'ecs-stable,target-health'],
        reportDir: path.join(options.reportDir, 'verify'),
        env: verifyEnv,
        log,
        signal: options.signal,
      });
      partial.verify = { passed: judged.passed, reportDir: judged.reportDir, steps: judged.steps };
      if (!judged.passed)
        throw new Error(
          `verify failed: ${judged.steps
            .filter((s) => s.status === 'failed')
            .map((s) => `${s.step} (${s.message})`)
            .join('; ')}`,
        );
      log('  ecs-stable and target-health, asked of moto (20 s each):');
      const aws = await runVerifyCommand({
        args: [...onEstate, '--only', 'ecs-stable,target-health', '--timeout', '20'],
        reportDir: path.join(options.reportDir, 'verify-moto'),
        env: verifyEnv,
        log,
        signal: options.signal,
      });
      for (const s of aws.steps.filter((r) => r.step === 'ecs-stable' || r.step === 'target-health')) {
        // ecs-stable reads the running count moto was told (MOTO_ECS_SERVICE_RUNNING): never a verdict on the service.
        const judged = s.step === 'target-health' && s.status === 'passed';
        partial.againstMoto.push({
          step: s.step,
          judged,
          status: judged ? 'passed' : 'not judged here',
          note: `${s.step === 'ecs-stable' ? ECS_NOTE : TARGETS_NOTE}; moto answered: ${s.status}: ${s.message}`,
        });
      }
      phase('verify');

      begin('Neo4j password rotation, one space at a time, while the app serves; each followed by its redeploy');
      const state = (await lifecycle.terraform.show()) as StateJson;
      const resources = state.values?.root_module?.resources ?? [];
      const fn = resources.find((r) => r.type === 'aws_lambda_function');
      const fnEnv = (fn?.values.environment as { variables: Record<string, string> }[] | undefined)?.[0]?.variables;
      if (!fnEnv) throw new Error('the applied stack has no rotation function environment');
      const hostSecretArns = Object.fromEntries(
        resources
          .filter((r) => r.type === 'aws_secretsmanager_secret')
          .map((r) => [String(r.values.name), String(r.values.arn)]),
      );
      const rotationEnv: Record<string, string> = {
        ...fnEnv,
        // What the Lambda runtime gives the function, with moto in place of AWS.
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: MOTO_CLIENT_CONFIG.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CLIENT_CONFIG.credentials.secretAccessKey,
        AWS_ENDPOINT_URL: endpoint,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      };
      // moto's forceNewDeployment gives the service's deployment a new id (it replaces no task: none runs in moto).
      const deploymentId = async () => {
        const out = await ecs.send(
          new DescribeServicesCommand({ cluster: fnEnv.ECS_CLUSTER, services: [fnEnv.ECS_SERVICE] }),
        );
        return out.services?.[0]?.deployments?.[0]?.id ?? '(none)';
      };
      const usersBefore = { ledgerspace: env.NEO_4J_LEDGER_SPACE_USER, searchspace: env.NEO_4J_SEARCH_SPACE_USER };
      const spaces: { space: Neo4jSpace; steps: StepRun[] }[] = [];
      const probeTotals = { sent: 0, served: 0, rateLimited: 0, failed: 0, failures: [] as string[] };
      const bundle = rotationBundle();
      let forced = 0;
      let restart: NonNullable<RotationResult['restart']> | undefined;
      const record = () => {
        partial.rotation = {
          functionEnvironment: fnEnv,
          hostSecretArns,
          spaces,
          probes: { ...probeTotals, failures: probeTotals.failures.slice(0, 5) },
          forcedNewDeployments: forced,
          ...(restart ? { restart } : {}),
        };
      };
      for (const space of NEO4J_SPACES) {
        abortable();
        const before = await deploymentId();
        const prober = probeApp(app.url);
        let steps: StepRun[] = [];
        try {
          steps = await rotateSpace({
            bundle,
            space,
            secretId: hostSecretArns[neo4jPasswordSecretName(options.stack, space)],
            env: rotationEnv,
            log,
            signal: options.signal,
          });
        } finally {
          const p = await prober.stop();
          probeTotals.sent += p.sent;
          probeTotals.served += p.served;
          probeTotals.rateLimited += p.rateLimited;
          probeTotals.failed += p.failed;
          probeTotals.failures.push(...p.failures);
          spaces.push({ space, steps });
          record();
          log(
            `  the app during the ${space} rotation: ${p.served} of ${p.sent} probes served, ${p.failed} failed, ${p.rateLimited} rate-limited`,
          );
        }
        const failedStep = steps.find((x) => !x.ok);
        if (failedStep) throw new Error(`rotation failed at ${space} ${failedStep.step}`);
        if (probeTotals.failed > 0)
          throw new Error(
            `the app failed ${probeTotals.failed} probe(s) during the rotation: ${probeTotals.failures[0]}`,
          );
        const after = await deploymentId();
        if (after === before) throw new Error(`the ${space} rotation forced no new deployment of ${fnEnv.ECS_SERVICE}`);
        forced++;
        log(`  ${fnEnv.ECS_SERVICE}: new deployment ${after} (was ${before}): the app restarts as its new task`);

        // The new deployment's task: the same task definition, its secrets read again at start.
        await app.stop();
        const newEnv = await resolveContainerEnvironment(await containerFromEcs(ecs, taskDefinitionArn), sm);
        app = await startApp(build, newEnv, appStart);
        const hosts = await Promise.all(
          NEO4J_SPACES.map((s) => hostCredentials(sm, neo4jPasswordSecretName(options.stack, s))),
        );
        const health = await checkRoute(app.url, 'health');
        const ledger = await checkRoute(app.url, 'ledger');
        const ledgerConnectionUsers = await withDriver(servers.ledgerspace!, async (d) => {
          const res = await d.executeQuery(
            'CALL dbms.listConnections() YIELD username, userAgent WHERE userAgent STARTS WITH "neo4j-javascript" RETURN collect(DISTINCT username) AS users',
          );
          return (res.records[0]?.get('users') as string[]) ?? [];
        }).catch(() => [] as string[]);
        const users = { ledgerspace: newEnv.NEO_4J_LEDGER_SPACE_USER, searchspace: newEnv.NEO_4J_SEARCH_SPACE_USER };
        restart = {
          after: space,
          startMs: app.startMs,
          users,
          passwordsAreRotated:
            newEnv.NEO_4J_LEDGER_SPACE_PASS === hosts[0].password &&
            newEnv.NEO_4J_SEARCH_SPACE_PASS === hosts[1].password,
          usersChanged: users[space] !== usersBefore[space],
          health: health.line,
          ledger: ledger.line,
          ledgerConnectionUsers,
          connected: health.ok && ledger.ok,
        };
        record();
        log(`  restarted in ${app.startMs} ms as ${users.ledgerspace} / ${users.searchspace}; ${ledger.line}`);
        const unmet = [
          ...(health.ok ? [] : [`health: ${health.line}`]),
          ...(ledger.ok ? [] : [`ledger: ${ledger.line}`]),
          ...(restart.passwordsAreRotated
            ? []
            : ["the environment's passwords are not the host secrets' AWSCURRENT ones"]),
          ...(restart.usersChanged ? [] : [`the ${space} user did not change`]),
        ];
        if (unmet.length > 0)
          throw new Error(`the restarted app does not serve with the rotated credentials: ${unmet.join('; ')}`);
      }
      phase('rotation-and-restarts');
    } finally {
      sm.destroy();
      ecs.destroy();
    }
  }

  const peak = memory.stop();
  const interrupted = options.signal?.aborted ? String(options.signal.reason ?? 'signal') : undefined;
  const rateFinding = partial.verify?.steps.flatMap((s) => s.findings ?? []) ?? [];
  const report: RehearsalReport = {
    stack: options.stack,
    startedAt,
    durationSeconds: (Date.now() - started) / 1000,
    passed: failure === undefined && !interrupted,
    ...(interrupted ? { interrupted } : {}),
    ...(failure ? { failure } : {}),
    phases,
    ...(partial.app ? { app: partial.app } : {}),
    ...(partial.appSecret ? { appSecret: partial.appSecret } : {}),
    ...(partial.neo4j ? { neo4j: partial.neo4j } : {}),
    lifecycles,
    ...(partial.verify ? { verify: partial.verify } : {}),
    againstMoto: partial.againstMoto,
    ...(partial.rotation ? { rotation: partial.rotation } : {}),
    memory: peak,
    standIns: [...STAND_INS_OF_THE_REHEARSAL],
    findings: rateFinding,
  };
  return report;
}

interface StateJson {
  values?: { root_module?: { resources?: { type: string; name: string; values: Record<string, unknown> }[] } };
}

async function withDriver<T>(server: Neo4jServer, fn: (d: ReturnType<typeof neo4j.driver>) => Promise<T>): Promise<T> {
  // Its own user agent, so the listing of the app's connections (neo4j-javascript) does not count the rehearsal's.
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic(server.user, server.password), {
    userAgent: 'credex-rehearsal',
  });
  try {
    return await fn(driver);
  } finally {
    await driver.close();
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}
