/**
 * Fail closed: whatever the gate cannot decide is a finding or exit 2, never a pass. Undecidable IAM documents,
 * unresolvable references, wrong-shaped plans and bad input through the bundled CLI; raw Terraform JSON handed to
 * the bundle by another tool (the wasm, and `opa eval` on policies/rego) is refused with a finding; several inputs
 * and folders; the report never overwrites an input; big documents evaluated in chunks judge the same as whole.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadBundle } from '../../policies/engine/evaluate';
import { repoRoot } from '../../lib/paths';
import { checkDocuments } from '../../policies/engine/check';
import { policyPaths } from '../../policies/engine/paths';
import { generatePlan } from '../../tools/bench/plan-generator';
import { policyCliFixture } from '../support/policy-cli';
import { synthProject } from '../support/synth';
import { cdktfDoc, check, planDoc, Resources } from '../support/policy-fixtures';

const root = repoRoot();
const policyCli = policyCliFixture('credex-failclosed-');
const { dir, write } = policyCli;
const run = (...args: string[]) => policyCli.run(args);

function expectOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^policy-check: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('undecidable IAM documents are deny findings (CDX-IAM-007), never an empty document', () => {
  const role = (policy: string, extra: Resources = {}): Resources => ({
    'aws_iam_role_policy.p': { role: 'r', policy },
    ...extra,
  });
  const UNDECIDABLE: [string, Resources, RegExp][] = [
    ['jsonencode of a local', role('${jsonencode(local.policy)}'), /unresolved expression \$\{local\.policy\}/],
    ['a file() call', role('${file("policy.json")}'), /unresolved expression/],
    [
      'a Statement that is a variable',
      role('{"Version":"2012-10-17","Statement":"${var.statements}"}'),
      /Statement is the unresolved expression/,
    ],
    [
      'a for list as the Statement',
      role('${jsonencode({"Version" = "2012-10-17", "Statement" = [for s in var.statements : s]})}'),
      /Statement|unresolved expression/,
    ],
    [
      'a statement that is a variable',
      role('{"Statement":["${var.one}",{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'),
      /statement 0 is the unresolved expression/,
    ],
    [
      'an Action list that is a variable',
      role('{"Statement":[{"Effect":"Allow","Action":"${var.actions}","Resource":"arn:aws:s3:::b/*"}]}'),
      /has an Action that is an expression/,
    ],
    [
      'an Effect that is a variable',
      role('{"Statement":[{"Effect":"${var.effect}","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}'),
      /has the Effect/,
    ],
    [
      'a Resource that is a local',
      role('{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"${local.arns}"}]}'),
      /has a Resource that is an expression/,
    ],
    ['a document that is not an object', role('[1, 2]'), /JSON array, not a policy object/],
    ['a document without Statement', role('{"Version":"2012-10-17"}'), /has no Statement/],
    [
      'a reference to a document not in the input',
      role('${data.aws_iam_policy_document.gone.json}'),
      /not in the input/,
    ],
    [
      'a policy document with dynamic statements',
      role('${data.aws_iam_policy_document.d.json}', {
        'data.aws_iam_policy_document.d': { dynamic: { statement: { for_each: '${var.x}', content: {} } } },
      }),
      /dynamic/,
    ],
    [
      'a policy document built from source documents',
      role('${data.aws_iam_policy_document.d.json}', {
        'data.aws_iam_policy_document.d': { source_policy_documents: ['${var.extra}'] },
      }),
      /source_policy_documents/,
    ],
  ];
  test.each(UNDECIDABLE)('%s', async (_name, resources, reason) => {
    const report = await check(cdktfDoc(resources));
    const found = report.findings.filter((f) => f.rule === 'CDX-IAM-007');
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((f) => f.message).join('\n')).toMatch(reason);
    expect(found.every((f) => f.severity === 'deny')).toBe(true);
    expect(report.summary.passed).toBe(false);
  });

  test('a resource reference in a Resource or Principal is decidable', async () => {
    const policy = JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.b.arn}/*' }],
    });
    const report = await check(cdktfDoc(role(policy)));
    expect(report.findings).toEqual([]);
  });

  test('a listener rule whose listener is not in the input is a finding in production', async () => {
    const resources = {
      'aws_lb_listener_rule.r': { listener_arn: '${aws_lb_listener.gone.arn}', action: [{ type: 'forward' }] },
    };
    const report = await check(cdktfDoc(resources, 'production'), 'production');
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['CDX-LB-002', 'deny']]);
  });
});

describe('raw Terraform JSON outside the CLI is refused, never an empty passing answer', () => {
  const raw = cdktfDoc({
    'aws_security_group.web': {
      ingress: [{ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'] }],
    },
  });
  test('opa eval -d policies/rego on a raw cdk.tf.json and on a raw plan', () => {
    const opa = policyPaths.opa();
    expect(existsSync(opa)).toBe(true);
    for (const [name, doc] of [
      ['cdk.tf.json', raw],
      ['plan.json', planDoc({ 'aws_vpc.main': { cidr_block: '10.0.0.0/16' } })],
    ] as const) {
      const file = write(`raw/${name}`, doc);
      const r = spawnSync(opa, ['eval', '-d', 'policies/rego', '-i', file, '--format', 'raw', 'data.credex.findings'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status).toBe(0);
      const findings = JSON.parse(r.stdout) as { rule: string; message: string }[];
      expect(findings).toEqual([expect.objectContaining({ rule: 'gate.raw_input' })]);
      expect(findings[0].message).toMatch(/run the gate through its CLI/);
    }
  });

  test('the compiled wasm on raw input', async () => {
    const policy = await loadBundle();
    expect(policy.evaluate(raw)[0].result).toEqual([expect.objectContaining({ rule: 'gate.raw_input' })]);
  });
});

describe('bad input through the CLI: one line, exit 2', () => {
  const plan = (extra: Record<string, unknown>) => ({ format_version: '1.2', ...extra });
  const BAD: [string, () => string[], RegExp][] = [
    ['an empty file', () => ['--input', write('empty.json', '')], /empty\.json: empty file/],
    ['not JSON', () => ['--input', write('text.json', 'resource "x" {}')], /invalid JSON/],
    ['JSON that is not Terraform', () => ['--input', write('other.json', { name: 'x' })], /not Terraform JSON/],
    [
      'planned_values a string',
      () => ['--input', write('pv.json', plan({ planned_values: 'x', resource_changes: [] }))],
      /planned_values must be an object, not string/,
    ],
    [
      'resource_changes null',
      () => ['--input', write('rc.json', plan({ planned_values: { root_module: {} }, resource_changes: null }))],
      /resource_changes must be an array, not null/,
    ],
    [
      'resources not an array',
      () => ['--input', write('res.json', plan({ planned_values: { root_module: { resources: {} } } }))],
      /planned_values\.root_module\.resources must be an array/,
    ],
    [
      'a resource without an address',
      () => ['--input', write('addr.json', plan({ planned_values: { root_module: { resources: [{ type: 'x' }] } } }))],
      /has no address or type/,
    ],
    [
      'a document nested 100,000 levels deep',
      () => ['--input', write('deep.json', '{"resource":' + '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_001))],
      /deep\.json: JSON nested deeper than 512 levels/,
    ],
    [
      'a folder with nothing to judge',
      () => (write('empty-dir/manifest.json', { version: 1 }), ['--input', path.join(dir, 'empty-dir')]),
      /nothing to judge/,
    ],
    [
      // JSON.parse keeps the second "resource"; Terraform reads both, so the first block would never be judged.
      'two top-level resource keys',
      () => [
        '--input',
        write(
          'dup.json',
          '{\n  "resource": {\n    "aws_security_group": {\n      "web": {"ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]}\n    }\n  },\n  "resource": {\n    "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}}\n  }\n}\n',
        ),
      ],
      /dup\.json: duplicate key "resource" at line 7, column 3 \(first at line 2\): .*write the key once$/,
    ],
    [
      'a repeated key deep inside a plan, spelled with an escape',
      () => [
        '--input',
        write(
          'dup-plan.json',
          '{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_vpc.v","type":"aws_vpc","values":{"cidr_block":"10.0.0.0/16","\\u0063idr_block":"x"}}]}}}',
        ),
      ],
      /dup-plan\.json: duplicate key "cidr_block" at line 1, column \d+ \(first at line 1\)/,
    ],
    ['a missing file', () => ['--input', path.join(dir, 'missing.json')], /no such file/],
    [
      '--output into a missing folder',
      () => ['--input', write('ok1.json', cdktfDoc({})), '--output', path.join(dir, 'nowhere', 'r.txt')],
      /no such folder/,
    ],
  ];
  test.each(BAD)('%s', (_name, args, pattern) => {
    const started = Date.now();
    const r = run(...args());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectOneLineError(r.stderr, pattern);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('the same key in sibling objects, in array elements or inside strings is no repeat', () => {
    const text =
      '{"resource": {"aws_vpc": {"a": {"cidr_block": "10.0.0.0/16", "tags": {"x": "{\\"k\\": 1, \\"k\\": 2}"}}, ' +
      '"b": {"cidr_block": "10.1.0.0/16"}}}, "data": {"aws_x": {"a": {"cidr_block": 1}}}, ' +
      '"output": {"o": {"value": [{"k": 1}, {"k": 2}]}}}';
    const r = run('--input', write('siblings.json', text));
    expect(r.stderr).not.toMatch(/duplicate key/);
    expect([0, 1]).toContain(r.code);
  });

  test('--output naming an input is refused and the input is untouched', () => {
    const file = write('keep.json', planDoc({ 'aws_vpc.main': { cidr_block: '10.0.0.0/16' } }));
    const before = readFileSync(file, 'utf8');
    const r = run('--input', file, '--output', file);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /is an input.*never overwrites an input/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    // Also when the input is given as a folder and the output is a file inside it, under another spelling.
    const inFolder = write('folder-out/plan.json', planDoc({ 'aws_vpc.main': { cidr_block: '10.0.0.0/16' } }));
    const r2 = run('--input', path.join(dir, 'folder-out'), '--output', path.join(dir, 'folder-out', '.', 'plan.json'));
    expect(r2.code).toBe(2);
    expect(readFileSync(inFolder, 'utf8')).toContain('planned_values');
  });
});

describe('several inputs and folders', () => {
  test('--input repeats and takes folders; the report names each document; any deny fails', () => {
    const good = write(
      'multi/stacks/staging/cdk.tf.json',
      cdktfDoc({ 'aws_cloudwatch_log_group.g': { name: 'g', retention_in_days: 7 } }),
    );
    write('multi/manifest.json', { version: '0.21.0', stacks: {} });
    const plan = write('multi/plans/production-plan.json', planDoc({ 'aws_cloudwatch_log_group.g': { name: 'g' } }));
    const single = write(
      'single.json',
      cdktfDoc(
        {
          'aws_ecr_repository.r': {
            name: 'r',
            image_tag_mutability: 'MUTABLE',
            image_scanning_configuration: { scan_on_push: true },
          },
        },
        'production',
      ),
    );
    const r = run('--input', path.join(dir, 'multi'), '--input', single, '--format', 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary.documents.map((d: { document: string }) => d.document)).toEqual([plan, good, single]);
    expect(report.findings.map((f: { rule: string; document: string }) => `${f.rule} ${f.document}`)).toEqual([
      `CDX-LOG-001 ${plan}`,
      `CDX-ECR-002 ${single}`,
    ]);
    const text = run('--input', path.join(dir, 'multi'), '--input', single);
    expect(text.stdout).toContain(`${good} (stack staging, cdktf, 1 resources): no findings`);
    expect(text.stdout).toContain(`${plan} (plan, 1 resources):`);
    expect(text.stdout).toMatch(/policy-check: 3 document\(s\)/);
    // Only the compliant document: exit 0.
    expect(run('--input', good).code).toBe(0);
  });
});

describe('chunked evaluation judges what whole evaluation judges', () => {
  const key = (f: { rule: string; address: string; message: string }) => `${f.rule} ${f.address} ${f.message}`;

  test('a generated plan of 2,000 resources, chunks of 50', async () => {
    const { plan, expected } = generatePlan(2_000);
    const whole = await checkDocuments([{ label: 'p', doc: plan }], { chunkSize: 1_000_000 });
    const chunked = await checkDocuments([{ label: 'p', doc: plan }], { chunkSize: 50 });
    expect(chunked.documents[0].chunks).toBeGreaterThan(10);
    expect(chunked.findings.map(key).sort()).toEqual(whole.findings.map(key).sort());
    const counts: Record<string, number> = {};
    for (const f of chunked.findings) counts[f.rule] = (counts[f.rule] ?? 0) + 1;
    expect(counts).toEqual(expected);
  });

  test('every synthesized stack, chunks of 5 resources (so a whole-document rule would show here)', async () => {
    const synth = synthProject({ stackTraces: true });
    for (const name of synth.names) {
      const docs = [{ label: name, doc: synth.stacks[name] }];
      const whole = await checkDocuments(docs, { chunkSize: 1_000_000 });
      const chunked = await checkDocuments(docs, { chunkSize: 5 });
      expect({ name, findings: chunked.findings.map(key).sort(), waived: chunked.waived.map(key).sort() }).toEqual({
        name,
        findings: whole.findings.map(key).sort(),
        waived: whole.waived.map(key).sort(),
      });
    }
  });
});
