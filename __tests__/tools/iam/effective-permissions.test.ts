/**
 * Effective permissions, proven: every call each workload makes (tools/iam/workload-calls.ts, derived from the
 * synthesized stacks and checked here against the code that makes the calls) is allowed once every policy that
 * applies is combined — identity policies AND the permissions boundary AND the resource policy (KMS key policies,
 * secret, bucket and topic policies, Lambda permissions, trust policies) — with the request context AWS sends.
 * The decisions come from the gate's Rego evaluator, compiled into the committed wasm bundle.
 *
 * The AWS-managed policies the roles attach (Session Manager, DLM) are AWS's own documents as moto ships them.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot, toolsDir } from '../../../lib/paths';
import { Call, estateInput, EstateInput, evaluateCalls, StackDocument } from '../../../tools/iam/effective';
import {
  AMI_BAKE_EC2_CALLS,
  BUILDER_INSTANCE_CALLS,
  HOST_BOOT_CLI_CALLS,
  ROTATION_SDK_CALLS,
  workloadCalls,
} from '../../../tools/iam/workload-calls';
import { loadEngine } from '../../../policies/engine/evaluate';
import { projectStack } from '../../support/synth';

const MANAGED = {
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore': 'AmazonSSMManagedInstanceCore',
  'arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole': 'AWSDataLifecycleManagerServiceRole',
};

/** AWS's managed policy documents, from moto's bundled copy of them (no network). */
function managedPolicies(): Record<string, unknown> {
  const script =
    'import json,sys\nfrom moto.iam.aws_managed_policies import aws_managed_policies_data as d\n' +
    'p=json.loads(d)\nprint(json.dumps({n: p[n]["Document"] for n in sys.argv[1:]}))';
  const out = execFileSync(path.join(toolsDir(), 'venv', 'bin', 'python'), ['-c', script, ...Object.values(MANAGED)], {
    encoding: 'utf8',
  });
  const docs = JSON.parse(out) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(MANAGED).map(([arn, name]) => [arn, docs[name]]));
}

const stack = (name: string): StackDocument => ({
  name,
  json: projectStack(name) as unknown as Record<string, unknown>,
});

let managed: Record<string, unknown>;
const estates: Record<string, EstateInput> = {};

beforeAll(() => {
  managed = managedPolicies();
  for (const env of ['staging', 'production'])
    estates[env] = estateInput([stack(env), stack('global')], { managedPolicies: managed });
}, 120_000);

describe.each(['staging', 'production'])('%s: every workload call is allowed by all the policies that apply', (env) => {
  let calls: Call[];
  beforeAll(() => {
    calls = workloadCalls(estates[env], env);
  });

  test('the calls cover every workload', () => {
    const workloads = new Set(calls.map((c) => c.id.split(':')[0]));
    expect([...workloads].sort()).toEqual(
      [
        'API execution role',
        'API task role',
        'AMI builder instance',
        'CloudTrail',
        'CloudWatch Logs',
        'CloudWatch alarms',
        'DLM backups',
        'EventBridge rule',
        'Neo4j ledgerspace host',
        'Neo4j searchspace host',
        'Secrets Manager invoking the rotation',
        'VPC flow logs',
        ...(env === 'production' ? ['blue/green role'] : []),
        'deploy role',
        'deploy role (AMI bake)',
        'rotation',
      ].sort(),
    );
    expect(calls.length).toBeGreaterThan(100);
  });

  test('no call is denied or undecidable', async () => {
    const decisions = await evaluateCalls(estates[env], calls);
    const refused = decisions
      .filter((d) => !d.allowed)
      .map((d) =>
        [
          `${d.id} -> ${d.decision}`,
          `  identity: ${JSON.stringify(d.identity ?? [])}; boundary: ${d.boundary}; resource policy: ${d.resource_policy}`,
          ...(d.denied_by ?? []).map((x) => `  denied by ${x}`),
          ...(d.problems ?? []).map((x) => `  ${x}`),
        ].join('\n'),
      );
    expect(refused).toEqual([]);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(calls.length);
  }, 60_000);
});

describe.each(['staging', 'production'])('%s with the global stack: the gate finds no dead grant', (env) => {
  test('CDX-IAM-020 over the estate (the boundary lives in the global stack)', async () => {
    const engine = await loadEngine();
    const dead = engine.evaluate(estates[env].input).filter((f) => f.rule === 'iam.boundary_blocked');
    expect(dead).toEqual([]);
  });
});

describe('the evaluator refuses what AWS refuses (so the test above can fail)', () => {
  test('a call no policy grants, a boundary that blocks, an explicit deny, a wrong condition', async () => {
    const estate = estates.staging;
    const at = (p: string) => estate.addresses.get(p)!;
    const rotation = at('staging/neo4j-rotation/role/role');
    const decisions = await evaluateCalls(estate, [
      {
        id: 'not granted',
        principal: { role: rotation },
        action: 'secretsmanager:DeleteSecret',
        resource: { address: at('staging/neo4j-secret/secret') },
      },
      {
        id: 'boundary blocks',
        principal: { role: at('staging/api/execution-role/role') },
        action: 'ecr:BatchGetImage',
        resource: { arn: 'arn:aws:ecr:af-south-1:111122223333:repository/other' },
      },
      {
        id: 'bucket denies plain HTTP',
        principal: { service: 'cloudtrail.amazonaws.com' },
        action: 's3:GetBucketAcl',
        resource: { address: at('global/audit-trail/bucket') },
        context: { 'aws:SourceArn': `\${${at('global/audit-trail/trail')}.arn}`, 'aws:SecureTransport': 'false' },
      },
      {
        // Decrypt outside Secrets Manager and EC2: the key policy's kms:ViaService conditions do not hold.
        id: 'key policy condition',
        principal: { role: rotation },
        action: 'kms:Decrypt',
        resource: { address: at('staging/kms-key/key') },
        context: { 'kms:ViaService': 'sqs.af-south-1.amazonaws.com' },
      },
    ]);
    expect(decisions.map((d) => [d.id, d.decision])).toEqual([
      ['not granted', 'implicitly denied'],
      ['boundary blocks', 'implicitly denied'],
      ['bucket denies plain HTTP', 'explicitly denied'],
      ['key policy condition', 'implicitly denied'],
    ]);
    expect(decisions[1]).toEqual(expect.objectContaining({ boundary: 'does not allow' }));
  });
});

describe('the calls are the code’s calls', () => {
  const read = (file: string) => readFileSync(path.join(repoRoot(), file), 'utf8');
  const commands = (text: string) => new Set([...text.matchAll(/new ([A-Z][A-Za-z]+)Command\(/g)].map((m) => m[1]));

  test('the rotation function: its Secrets Manager and ECS commands', () => {
    const listed = new Set([
      ...ROTATION_SDK_CALLS.hostSecret,
      ...ROTATION_SDK_CALLS.connectionSecret,
      ...ROTATION_SDK_CALLS.service,
    ]);
    expect([...commands(read('functions/neo4j-rotation/rotation.ts'))].sort()).toEqual([...listed].sort());
  });

  test('the AMI command: its EC2 commands', () => {
    const dir = path.join(repoRoot(), 'tools', 'ami');
    const found = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts')))
      for (const c of commands(read(`tools/ami/${f}`))) found.add(c);
    expect([...found].sort()).toEqual([...AMI_BAKE_EC2_CALLS].sort());
  });

  test("the hosts' boot script and the builder instance's own calls", () => {
    const userData = JSON.stringify(projectStack('staging'));
    const cli = [...userData.matchAll(/\baws (secretsmanager|ec2|ssm|s3|kms) ([a-z-]+)/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect([...new Set(cli)].sort()).toEqual([...HOST_BOOT_CLI_CALLS]);
    const signed = [...read('tools/ami/install-neo4j.sh').matchAll(/Action=([A-Za-z]+)/g)].map((m) => m[1]);
    expect([...new Set(signed)]).toEqual([...BUILDER_INSTANCE_CALLS]);
  });
});
