/**
 * global, then staging, applied with the real AWS provider (5.100.0) against a real moto server, planned again and
 * destroyed: tools/terraform/lifecycle.ts, the function the deploy rehearsal calls. The AMI bake runs inside the apply
 * through the exact local-exec line the stack holds, against moto (tools/terraform/moto-ami.ts plays the instances'
 * part). The second plan may show only the reviewed moto artefacts (a perpetual diff of the stack fails here); what
 * moto cannot serve is left out or set aside through reviewed lists, and the test asserts those lists are exactly
 * what was left out. No skip: without terraform, its CLI configuration or moto, this test fails.
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { depsFromEnvironment } from '../../../functions/neo4j-rotation/index';
import { LifecycleReport, motoServerEnvironment, runLifecycles } from '../../../tools/terraform/lifecycle';
import { MOTO_EXCLUSIONS, MOTO_PLAN_ARTEFACTS, MOTO_SET_ASIDE } from '../../../tools/terraform/moto';
import { resourceAddresses, type TerraformJson } from '../../../lib/synth-output';
import { repoTempDir } from '../../support/bundle';
import { MotoServer, startMoto } from '../../support/moto';
import { synthProject } from '../../support/synth';

// The one test that applies whole stacks: minutes, not seconds (global ~1.5 min, of which the provider's own
// lifecycle-configuration consistency wait takes 55 s; staging ~2 min).
jest.setTimeout(25 * 60_000);

const project = synthProject();
const STACKS = ['global', 'staging'] as const;
let moto: MotoServer;
let scratch: string;
const stop = new AbortController();
let running: Promise<unknown> | undefined;
let reports: Record<string, LifecycleReport> = {};
let rotationEnvironment: Record<string, string> | undefined;
const hostSecretArns: Record<string, string> = {};

beforeAll(async () => {
  scratch = repoTempDir();
  moto = await startMoto(motoServerEnvironment(scratch));
  const run = runLifecycles({
    motoEndpoint: moto.endpoint,
    stacks: STACKS.map((stack) => ({
      stackDir: path.join(project.dir, 'stacks', stack),
      workDir: path.join(scratch, stack),
    })),
    signal: stop.signal,
    log: (line) => console.log(line),
    // While staging stands: what Terraform rendered into the rotation function's environment, as moto answers it.
    beforeDestroy: async ([, staging]) => {
      const state = (await staging.terraform.show()) as StateJson;
      const resources = state.values?.root_module?.resources ?? [];
      const fn = resources.find((r) => r.type === 'aws_lambda_function');
      rotationEnvironment = (fn?.values.environment as { variables: Record<string, string> }[])[0].variables;
      for (const r of resources.filter((r) => r.type === 'aws_secretsmanager_secret'))
        hostSecretArns[String(r.values.name)] = String(r.values.arn);
    },
  });
  running = run;
  const done = await run;
  reports = Object.fromEntries(done.map((r) => [r.stack, r]));
  for (const r of done) {
    const { changes: _changes, ...figures } = r;
    console.log(JSON.stringify(figures, null, 1));
  }
});

afterAll(async () => {
  // A run still going (the beforeAll timed out) is stopped before its folder goes.
  stop.abort();
  await running?.catch(() => undefined);
  await moto?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface StateJson {
  values?: { root_module?: { resources?: { type: string; name: string; values: Record<string, unknown> }[] } };
}

const copyOf = (stack: string) => reports[stack];

test.each(STACKS)(
  '%s: every resource of the moto copy is applied, then destroyed (or kept: prevent_destroy)',
  (stack) => {
    const r = copyOf(stack);
    const product = project.stacks[stack] as unknown as TerraformJson;
    const excluded = r.changes.filter((c) => c.kind === 'excluded' && !c.subject.startsWith('output.')).length;
    expect(r.resources).toBe(resourceAddresses(product).length);
    expect(r.applied).toBe(r.resources - excluded);
    expect(r.appliedAndDestroyed + r.keptProtected.length).toBe(r.applied);
    console.log(
      `${stack}: ${r.appliedAndDestroyed} of ${r.resources} resources applied and destroyed against moto ` +
        `(${excluded} left out, ${r.keptProtected.length} kept by prevent_destroy); ` +
        r.phases.map((p) => `${p.phase} ${p.seconds.toFixed(0)} s`).join(', '),
    );
  },
);

test('only the stateful data volumes are kept by prevent_destroy, and Terraform would not destroy them', () => {
  expect(copyOf('global').keptProtected).toEqual([]);
  expect(copyOf('staging').keptProtected.map((a) => a.split('.')[0])).toEqual(['aws_ebs_volume', 'aws_ebs_volume']);
});

test.each(STACKS)('%s: the second plan changes nothing but the reviewed moto artefacts', (stack) => {
  const second = copyOf(stack).secondPlan!;
  expect(second.unexplained.map((d) => `${d.address} (${d.actions.join('/')}): ${d.attributes.join(', ')}`)).toEqual(
    [],
  );
});

test('every reviewed moto artefact is still needed: the second plans show each of them', () => {
  const seen = new Set(STACKS.flatMap((s) => copyOf(s).secondPlan!.artefactsSeen));
  expect(MOTO_PLAN_ARTEFACTS.filter((a) => !seen.has(a))).toEqual([]);
});

test('what moto cannot serve is left out exactly by the reviewed list: the listed types and what refers to them', () => {
  const excluded = STACKS.flatMap((s) =>
    copyOf(s)
      .changes.filter((c) => c.kind === 'excluded')
      // Without the construct-path hashes, and the first clause of each reason.
      .map((c) => `${s}: ${c.subject} <- ${c.reason.split(':')[0]}`.replace(/_[0-9A-F]{8}\b/g, '')),
  );
  expect(excluded).toEqual([
    'staging: aws_dlm_lifecycle_policy.neo4j-backups_policy <- moto 5.2.5 has no DLM service',
    "staging: aws_appautoscaling_target.api_scaling-target <- moto 5.2.5's Application Auto Scaling lacks ListTagsForResource (HTTP 500 NotImplementedError), which the provider calls to read every target's tags",
    'staging: aws_appautoscaling_policy.api_cpu-scaling <- refers to aws_appautoscaling_target.api_scaling-target, which moto cannot serve',
  ]);
  const types = new Set(
    STACKS.flatMap((s) => copyOf(s).changes.filter((c) => c.kind === 'excluded')).map((c) => c.subject.split('.')[0]),
  );
  for (const exclusion of MOTO_EXCLUSIONS) expect(types).toContain(exclusion.type);
  // Set aside: each listed attribute on every resource of the moto copies that sets it, and nothing else.
  const setAside = STACKS.flatMap((s) =>
    copyOf(s)
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
  const bake = copyOf('staging').bake!;
  expect(bake.play.builders).toHaveLength(1);
  expect(bake.play.tests).toHaveLength(1);
  expect(copyOf('global').bake).toBeUndefined();
});

test('staging: the rotation function reads the environment Terraform rendered: each host secret ARN under its space', () => {
  const deps = depsFromEnvironment(rotationEnvironment!);
  expect(deps.spaces).toEqual({
    [hostSecretArns['credex/staging/neo4j/ledgerspace']]: 'ledgerspace',
    [hostSecretArns['credex/staging/neo4j/searchspace']]: 'searchspace',
  });
  expect(Object.keys(deps.spaces).every((arn) => arn.startsWith('arn:aws:secretsmanager:'))).toBe(true);
});
