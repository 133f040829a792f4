/**
 * The deploy rehearsal end to end (tools/rehearse/rehearsal.ts, what `npm run rehearse -- staging` runs) with the
 * snapshot app at ../shared/credex-core: global and staging applied with Terraform against a real moto server, two
 * real Neo4j servers, the real app started with the environment its applied task definition resolves to, verify, the
 * rotation while the app serves, the restart on the new credentials, destroy. Then the report's facts.
 *
 * This is also the one test that applies whole stacks: the lifecycle assertions of the former moto-lifecycle test
 * (every resource applied then destroyed, prevent_destroy, the second plan, the reviewed moto lists, the bake, the
 * rotation function's rendered environment) are asserted here on the rehearsal's own lifecycle reports, so staging is
 * applied once in `npm test`. No skip: without terraform, moto, Neo4j or the app, this test fails.
 */
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { depsFromEnvironment } from '../../../functions/neo4j-rotation/index';
import { APP_SET_VARIABLES } from '../../../contracts/app';
import { resolveAppDir } from '../../../tools/rehearse/app-build';
import { runRehearsal, type RehearsalReport } from '../../../tools/rehearse/rehearsal';
import { writeRehearsalReport } from '../../../tools/rehearse/report';
import { MOTO_EXCLUSIONS, MOTO_PLAN_ARTEFACTS, MOTO_SET_ASIDE } from '../../../tools/terraform/moto';
import type { LifecycleReport } from '../../../tools/terraform/lifecycle';
import { resourceAddresses, type TerraformJson } from '../../../lib/synth-output';
import { bundleIntoDist, repoTempDir } from '../../support/bundle';
import { neo4jRotationPackage } from '../../support/function-package';
import { synthProject } from '../../support/synth';

// Minutes: global ~1.5 min and staging ~2 min to apply, the app, verify's 30 s load, the rotation, the destroys.
jest.setTimeout(30 * 60_000);

const project = synthProject();
const STACKS = ['global', 'staging'] as const;
let scratch: string;
let report: RehearsalReport;
let written: RehearsalReport;
const stop = new AbortController();
let running: Promise<unknown> | undefined;

beforeAll(async () => {
  bundleIntoDist(['verify/cli.ts']); // the verify command the rehearsal runs
  neo4jRotationPackage(); // and the rotation function's bundle
  scratch = repoTempDir();
  const run = runRehearsal({
    stack: 'staging',
    appDir: resolveAppDir(),
    synthDir: project.dir,
    reportDir: path.join(scratch, 'report'),
    workDir: path.join(scratch, 'work'),
    log: (line) => console.log(line),
    signal: stop.signal,
  });
  running = run;
  report = await run;
  const files = writeRehearsalReport(path.join(scratch, 'report'), report);
  written = JSON.parse(readFileSync(files.json, 'utf8')) as RehearsalReport;
  console.log(readFileSync(files.markdown, 'utf8'));
});

afterAll(async () => {
  stop.abort('SIGTERM'); // a run still going (beforeAll timed out) stops and cleans up before its folder goes
  await running?.catch(() => undefined);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// The rehearsal keeps the lifecycle reports on a failure too; a stack without one never got to its apply.
const lifecycle = (stack: string): LifecycleReport => {
  const found = report.lifecycles.find((l) => l.stack === stack);
  if (!found) throw new Error(`no lifecycle report for ${stack}; the rehearsal's failure: ${report.failure}`);
  return found;
};

describe('the rehearsal', () => {
  test('passed, and its report says so', () => {
    expect(report.failure).toBeUndefined();
    expect(report.passed).toBe(true);
    expect(written.passed).toBe(true);
    expect(report.phases.map((p) => p.phase)).toEqual([
      'build-app',
      'moto',
      'apply-and-plan-again',
      'neo4j',
      'app-secret',
      'app-start',
      'verify',
      'rotation-and-restarts',
      'destroy',
    ]);
  });

  test("the app started with exactly the contract's variables, read from the task definition Terraform registered in moto", () => {
    expect(report.app!.variables).toEqual(APP_SET_VARIABLES.map((v) => v.name).sort());
    expect(report.app!.variablesAreTheContract).toBe(true);
    expect(report.app!.taskDefinitionArn).toMatch(
      /^arn:aws:ecs:af-south-1:\d{12}:task-definition\/credex-core-staging:1$/,
    );
    expect(report.appSecret!.script).toBe('.github/workflows/scripts/put-app-secret.sh');
    expect(report.appSecret!.line).toMatch(/^put-app-secret: wrote a new version of .* with .*CLIENT_API_KEY/);
    expect(report.neo4j!.addresses.map((a) => a.host)).toEqual([
      expect.stringMatching(/^bolt:\/\/10\.\d+\.\d+\.\d+:7687$/),
      expect.stringMatching(/^bolt:\/\/10\.\d+\.\d+\.\d+:7687$/),
    ]);
  });

  test("verify's outputs, api-health, neo4j, smoke, load and rate-limit passed against the app; ecs-stable and target-health are never a fake pass", () => {
    const status = Object.fromEntries(report.verify!.steps.map((s) => [s.step, s.status]));
    expect(status).toMatchObject({
      outputs: 'passed',
      'api-health': 'passed',
      neo4j: 'passed',
      smoke: 'passed',
      load: 'passed',
      'rate-limit': 'passed',
    });
    const load = report.verify!.steps.find((s) => s.step === 'load')!;
    expect(load.figures).toMatchObject({ rateLimited: 0, errorRate: 0 });
    expect(Number(load.figures.served)).toBeGreaterThan(0);
    expect(report.findings).toContainEqual(
      expect.stringMatching(/^all clients behind the load balancer share one rate-limit budget/),
    );
    expect(report.againstMoto.map((m) => m.step)).toEqual(['ecs-stable', 'target-health']);
    // ecs-stable reads the running count the rehearsal gave moto: never a verdict.
    expect(report.againstMoto[0]).toMatchObject({ judged: false, status: 'not judged here' });
    for (const m of report.againstMoto) {
      if (!m.judged) expect(m.note).toMatch(/^moto runs no ECS task.*; moto answered: /);
      else expect(m.status).toBe('passed');
    }
  });

  test('the rotation ran its four steps for both spaces while the app kept serving', () => {
    const r = report.rotation!;
    expect(r.spaces.map((s) => [s.space, s.steps.map((x) => `${x.step}:${x.ok}`)])).toEqual(
      ['ledgerspace', 'searchspace'].map((space) => [
        space,
        ['createSecret:true', 'setSecret:true', 'testSecret:true', 'finishSecret:true'],
      ]),
    );
    expect(r.probes.failed).toBe(0);
    expect(r.probes.served).toBeGreaterThan(0);
    // Each rotation's finishSecret forced a new deployment of the service (seen in moto), and the app restarted.
    expect(r.forcedNewDeployments).toBe(2);
  });

  test('the restarted app connects with the new credentials', () => {
    const re = report.rotation!.restart!;
    expect(re.after).toBe('searchspace');
    expect(re.users).toEqual({ ledgerspace: 'neo4j_alt', searchspace: 'neo4j_alt' });
    expect(re.usersChanged).toBe(true);
    expect(re.passwordsAreRotated).toBe(true);
    expect(re.connected).toBe(true);
    expect(re.ledger).toMatch(/: 400 .*Member not found/);
    // Neo4j's own view: every connection of the restarted app to the ledger is the rotated user's.
    expect(re.ledgerConnectionUsers).toEqual(['neo4j_alt']);
  });

  test('figures: a duration per phase and the peak memory of the process tree', () => {
    expect(report.phases.every((p) => p.seconds >= 0)).toBe(true);
    expect(report.memory!.peakMiB).toBeGreaterThan(500); // two JVMs alone hold more
    expect(report.memory!.byCommand.map((c) => c.command)).toEqual(expect.arrayContaining(['java', 'node']));
  });

  test('no secret value is in the report: the app secret, the passwords', () => {
    const text = JSON.stringify(written);
    expect(text).not.toMatch(/"(password|CLIENT_API_KEY|JWT_SECRET)":\s*"[^"]/);
    expect(report.standIns.map((s) => s.standsFor)).toEqual(
      expect.arrayContaining(['AWS (af-south-1)', 'the ECS task', 'the LedgerSpace and SearchSpace EC2 hosts']),
    );
  });
});

// The lifecycle of the stacks the rehearsal applied (formerly __tests__/tools/terraform/moto-lifecycle.test.ts).
describe('the lifecycle against moto', () => {
  test.each(STACKS)(
    '%s: every resource of the moto copy is applied, then destroyed (or kept: prevent_destroy)',
    (stack) => {
      const r = lifecycle(stack);
      const product = project.stacks[stack] as unknown as TerraformJson;
      const excluded = r.changes.filter((c) => c.kind === 'excluded' && !c.subject.startsWith('output.')).length;
      expect(r.resources).toBe(resourceAddresses(product).length);
      expect(r.applied).toBe(r.resources - excluded);
      expect(r.appliedAndDestroyed + r.keptProtected.length).toBe(r.applied);
    },
  );

  test('only the stateful data volumes are kept by prevent_destroy, and Terraform would not destroy them', () => {
    expect(lifecycle('global').keptProtected).toEqual([]);
    expect(lifecycle('staging').keptProtected.map((a) => a.split('.')[0])).toEqual([
      'aws_ebs_volume',
      'aws_ebs_volume',
    ]);
  });

  test.each(STACKS)('%s: the second plan changes nothing but the reviewed moto artefacts', (stack) => {
    const second = lifecycle(stack).secondPlan!;
    expect(second.unexplained.map((d) => `${d.address} (${d.actions.join('/')}): ${d.attributes.join(', ')}`)).toEqual(
      [],
    );
  });

  test('every reviewed moto artefact is still needed: the second plans show each of them', () => {
    const seen = new Set(STACKS.flatMap((s) => lifecycle(s).secondPlan!.artefactsSeen.map((a) => JSON.stringify(a))));
    expect(MOTO_PLAN_ARTEFACTS.filter((a) => !seen.has(JSON.stringify(a)))).toEqual([]);
  });

  test('what moto cannot serve is left out exactly by the reviewed list: the listed types and what refers to them', () => {
    const excluded = STACKS.flatMap((s) =>
      lifecycle(s)
        .changes.filter((c) => c.kind === 'excluded')
        .map((c) => `${s}: ${c.subject} <- ${c.reason.split(':')[0]}`.replace(/_[0-9A-F]{8}\b/g, '')),
    );
    expect(excluded).toEqual([
      'staging: aws_dlm_lifecycle_policy.neo4j-backups_policy <- moto 5.2.5 has no DLM service',
      "staging: aws_appautoscaling_target.api_scaling-target <- moto 5.2.5's Application Auto Scaling lacks ListTagsForResource (HTTP 500 NotImplementedError), which the provider calls to read every target's tags",
      'staging: aws_appautoscaling_policy.api_cpu-scaling <- refers to aws_appautoscaling_target.api_scaling-target, which moto cannot serve',
    ]);
    const types = new Set(
      STACKS.flatMap((s) => lifecycle(s).changes.filter((c) => c.kind === 'excluded')).map(
        (c) => c.subject.split('.')[0],
      ),
    );
    for (const exclusion of MOTO_EXCLUSIONS) expect(types).toContain(exclusion.type);
    const setAside = STACKS.flatMap((s) =>
      lifecycle(s)
        .changes.filter((c) => c.kind === 'moto-set-aside')
        .map((c) => `${s}: ${c.subject}`),
    ).sort();
    const setting = STACKS.flatMap((s) =>
      MOTO_SET_ASIDE.flatMap((g) => {
        const [type, attribute] = g.path.split('.');
        const product = project.stacks[s] as unknown as TerraformJson;
        return Object.entries(product.resource?.[type] ?? {})
          .filter(([, body]) => body[attribute] !== undefined)
          .map(([name]) => `${s}: ${type}.${name}: ${attribute}`);
      }),
    ).sort();
    expect(setting.length).toBeGreaterThan(0);
    expect(setAside).toEqual(setting);
  });

  test('staging: the bake ran inside the apply with the stack’s command line, against moto, and the hosts got its image', () => {
    const bake = lifecycle('staging').bake!;
    expect(bake.play.builders).toHaveLength(1);
    expect(bake.play.tests).toHaveLength(1);
    expect(lifecycle('global').bake).toBeUndefined();
  });

  test('staging: the rotation function reads the environment Terraform rendered: each host secret ARN under its space', () => {
    const { functionEnvironment, hostSecretArns } = report.rotation!;
    const deps = depsFromEnvironment(functionEnvironment);
    expect(deps.spaces).toEqual({
      [hostSecretArns['credex/staging/neo4j/ledgerspace']]: 'ledgerspace',
      [hostSecretArns['credex/staging/neo4j/searchspace']]: 'searchspace',
    });
    expect(Object.keys(deps.spaces).every((arn) => arn.startsWith('arn:aws:secretsmanager:'))).toBe(true);
  });
});
