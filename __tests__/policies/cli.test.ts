/**
 * The CLI contract of `npm run policy-check`, exercised on the bundled CLI (built here with dev/build.js's
 * esbuild options) with node --enable-source-maps. The gate judges synthesized files; it never builds the app.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { policyCliFixture } from '../support/policy-cli';
import { cdktfDoc, planDoc, Resources } from '../support/policy-fixtures';

const root = repoRoot();
const policyCli = policyCliFixture('credex-cli-');
const { dir, write } = policyCli;
const run = (...args: string[]) => policyCli.run(args, { sourceMaps: true, timeoutMs: 60_000 });

const compliant: Resources = { 'aws_cloudwatch_log_group.api': { name: '/ecs/api', retention_in_days: 30 } };
const violating: Resources = {
  ...compliant,
  'aws_security_group.neo4j': {
    ingress: [{ protocol: 'tcp', from_port: 7687, to_port: 7687, cidr_blocks: ['0.0.0.0/0'] }],
  },
  'aws_ecr_repository.api': {
    name: 'api',
    image_tag_mutability: 'IMMUTABLE',
    image_scanning_configuration: { scan_on_push: true },
  },
  'aws_lb_listener.http': { protocol: 'HTTP', default_action: [{ type: 'forward' }] },
};

/** One line on stderr, no stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^policy-check: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('policy-check CLI', () => {
  test('exit 0 and a text summary when there is no deny finding', () => {
    const r = run('--input', write('ok.json', cdktfDoc(compliant)));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok\.json \(stack staging, cdktf, 1 resources\): no findings/);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(
      'policy-check: 1 document(s), 1 resources, 0 deny, 0 warn, 0 waived: passed',
    );
  });

  test('exit 1 with a text table grouped by stack and severity', () => {
    const r = run('--input', write('bad.json', cdktfDoc(violating)));
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const deny = lines.findIndex((l) => l.trim() === 'DENY (1)');
    const warn = lines.findIndex((l) => l.trim() === 'WARN (1)');
    expect(deny).toBeGreaterThan(0);
    expect(warn).toBeGreaterThan(deny);
    expect(lines[deny + 1]).toMatch(/CDX-SG-002\s+aws_security_group\.neo4j\s+ingress\[0\] opens database port 7687/);
    expect(lines[warn + 1]).toMatch(/CDX-LB-001\s+aws_lb_listener\.http/);
    expect(r.stdout).toMatch(/1 deny, 1 warn, 0 waived: FAILED\n$/);
  });

  test('--format json prints exactly one object with findings, waivers and summary', () => {
    const file = write('bad-plan.json', planDoc(violating));
    const r = run('--input', file, '--format', 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report).sort()).toEqual(['findings', 'summary', 'waivers']);
    expect(report.findings).toEqual([
      {
        rule: 'CDX-SG-002',
        severity: 'deny',
        address: 'aws_security_group.neo4j',
        message: expect.stringContaining('7687'),
        stack: file,
        document: file,
      },
      {
        rule: 'CDX-LB-001',
        severity: 'warn',
        address: 'aws_lb_listener.http',
        message: expect.any(String),
        stack: file,
        document: file,
      },
    ]);
    expect(report.waivers).toEqual([]);
    expect(report.summary).toEqual({
      stacks: 1,
      resources: 4,
      deny: 1,
      warn: 1,
      waived: 0,
      waivers: 0,
      passed: false,
      documents: [{ document: file, stack: file, format: 'plan', resources: 4 }],
    });
  });

  test('--format sarif is SARIF 2.1.0 with rules and located results', () => {
    const file = write('bad-sarif.json', cdktfDoc(violating));
    const r = run('--input', file, '--format=sarif');
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    const run0 = sarif.runs[0];
    const ruleIds = run0.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ruleIds).toEqual(expect.arrayContaining(['CDX-SG-002', 'CDX-LB-001', 'CDX-WVR-001']));
    const result = run0.results.find((x: { ruleId: string }) => x.ruleId === 'CDX-SG-002');
    expect(result.level).toBe('error');
    expect(run0.tool.driver.rules[result.ruleIndex].id).toBe('CDX-SG-002');
    expect(result.message.text).toContain('aws_security_group.neo4j');
    const loc = result.locations[0].physicalLocation;
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"neo4j": {')) + 1;
    expect(loc.region.startLine).toBe(line);
    expect(result.locations[0].logicalLocations[0].name).toBe('aws_security_group.neo4j');
    expect(run0.results.find((x: { ruleId: string }) => x.ruleId === 'CDX-LB-001').level).toBe('warning');
  });

  test('--output writes the report to a file and nothing to stdout', () => {
    const output = path.join(dir, 'report.json');
    const r = run('--input', write('bad-out.json', cdktfDoc(violating)), '--format', 'json', '--output', output);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(output, 'utf8')).summary.deny).toBe(1);
  });

  test.each([
    ['a missing file', () => ['--input', path.join(dir, 'nope.json')], /cannot read .*nope\.json: no such file/],
    ['malformed JSON', () => ['--input', write('broken.json', '{"resource": {')], /invalid JSON/],
    ['an empty object', () => ['--input', write('empty.json', {})], /empty JSON object, not Terraform JSON/],
    [
      'JSON that is not Terraform',
      () => ['--input', write('pkg.json', { name: 'x', dependencies: {} })],
      /not Terraform JSON/,
    ],
    ['a JSON array', () => ['--input', write('array.json', [1, 2])], /not Terraform JSON/],
    ['an unknown option', () => ['--verbose'], /unknown option --verbose/],
    ['an unknown format', () => ['--format', 'xml'], /--format must be text, json or sarif/],
    ['--input without a value', () => ['--input'], /--input needs a value \(see --help\)$/],
    ['--input followed by another option', () => ['--input', '--format', 'json'], /--input needs a value/],
    ['a stray argument', () => ['plan.json'], /unexpected argument "plan\.json"/],
    [
      '--input with --stacks',
      () => ['--input', 'a.json', '--stacks', 'cdktf.out'],
      /--input and --stacks exclude each other/,
    ],
    [
      'a folder without synthesized stacks',
      () => ['--stacks', dir],
      /no synthesized stacks in .*stacks \(no \*\/cdk\.tf\.json\): run npm run synth first/,
    ],
  ])('exit 2 with a one-line error for %s', (_what, args, pattern) => {
    const r = run(...args());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectOneLineError(r.stderr, pattern);
  });

  test('never echoes the content of invalid JSON (it may hold secrets)', () => {
    const r = run('--input', write('secret.json', '{"password": "hunter2-very-secret" oops}'));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('hunter2');
  });

  test('a plan with resource types no rule knows is judged (exit 0)', () => {
    const r = run(
      '--input',
      write('unknown.json', planDoc({ 'acme_widget.a': { size: 1 }, 'google_storage_bucket.b': { name: 'b' } })),
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ resources: 2, deny: 0, passed: true });
  });

  test('a generated 10,000-resource plan gets a correct result, without a crash or a hang', () => {
    const types = ['aws_cloudwatch_log_group', 'aws_security_group', 'aws_iam_policy', 'acme_widget', 'aws_instance'];
    const values = (type: string, i: number): Record<string, unknown> => {
      switch (type) {
        case 'aws_cloudwatch_log_group':
          return { name: `/g/${i}`, retention_in_days: 30 };
        case 'aws_security_group':
          return { ingress: [{ protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'] }] };
        case 'aws_iam_policy':
          return {
            policy: JSON.stringify({
              Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::b/${i}` }],
            }),
          };
        case 'aws_instance':
          return { metadata_options: { http_tokens: 'required' }, root_block_device: [{ encrypted: true }] };
        default:
          return { size: i };
      }
    };
    const resources: Resources = {};
    for (let i = 0; i < 10_000; i++) resources[`${types[i % types.length]}.r${i}`] = values(types[i % types.length], i);
    resources['aws_security_group.bad'] = {
      ingress: [{ protocol: 'tcp', from_port: 7687, to_port: 7687, cidr_blocks: ['0.0.0.0/0'] }],
    };
    const started = Date.now();
    const r = run('--input', write('big.json', planDoc(resources)), '--format', 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ resources: 10_001, deny: 1, warn: 0 });
    expect(report.findings.map((f: { rule: string; address: string }) => `${f.rule} ${f.address}`)).toEqual([
      'CDX-SG-002 aws_security_group.bad',
    ]);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test('--help prints usage, options, examples and exit codes, and exits 0', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: npm run -s policy-check/);
    for (const text of [
      '--input PATH',
      '(repeatable)',
      'a folder of them',
      '--stacks DIR',
      '--format text|json|sarif',
      '--output FILE',
      '--version',
      'examples:',
      'exit codes:',
    ])
      expect(r.stdout).toContain(text);
    for (const code of ['0', '1', '2', '130']) expect(r.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    expect(run('-h').stdout).toBe(r.stdout);
  });

  test('--version prints the package version', () => {
    const r = run('--version');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `policy-check ${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version}\n`,
    );
  });

  test('without --input it judges every synthesized stack, and SARIF points at the TypeScript that created a resource', () => {
    // As npm run policy-check does: synthesize (a child process, stack traces on), then judge the files.
    const out = path.join(dir, 'cdktf.out');
    const synth = spawnSync(process.execPath, ['--enable-source-maps', path.join(policyCli.bundled(), 'main.js')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: out, CREDEX_STACK_TRACES: '1' },
    });
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    expect(readdirSync(path.join(out, 'stacks')).sort()).toEqual(['global', 'production', 'staging']);

    const r = run('--stacks', out, '--format', 'json');
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    // Whether the project passes is __tests__/policies/project.test.ts's concern; here: the exit code follows it.
    const deny = report.findings.filter((f: { severity: string }) => f.severity === 'deny');
    expect(r.code).toBe(deny.length > 0 ? 1 : 0);
    expect(report.summary.stacks).toBe(3);
    expect(new Set(report.findings.map((f: { stack: string }) => f.stack)).size).toBeLessThanOrEqual(3);

    // A deny finding on a synthesized stack: one security group of staging opened to the world on Bolt.
    const file = path.join(out, 'stacks', 'staging', 'cdk.tf.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const [name, sg] = Object.entries(doc.resource.aws_security_group as Record<string, Record<string, unknown>>)[0];
    sg.ingress = [{ protocol: 'tcp', from_port: 7687, to_port: 7687, cidr_blocks: ['0.0.0.0/0'] }];
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const sarif = run('--stacks', out, '--format', 'sarif');
    expect(sarif.code).toBe(1);
    const result = JSON.parse(sarif.stdout).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'CDX-SG-002');
    const loc = result.locations[0].physicalLocation;
    expect(result.locations[0].logicalLocations[0].name).toBe(`aws_security_group.${name}`);
    expect(loc.artifactLocation).toEqual({
      uri: expect.stringMatching(/^constructs\/.+\.ts$/),
      uriBaseId: '%SRCROOT%',
    });
    // That line of that file creates the security group, at that column.
    const source = readFileSync(path.join(root, loc.artifactLocation.uri), 'utf8').split('\n')[
      loc.region.startLine - 1
    ];
    expect(source.slice(loc.region.startColumn - 1)).toMatch(/^new SecurityGroup\(/);
  });

  test('an empty stacks folder: exit 2, "run npm run synth first"', () => {
    const empty = path.join(dir, 'empty-out');
    mkdirSync(path.join(empty, 'stacks', 'staging'), { recursive: true });
    const r = run('--stacks', empty);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /run npm run synth first$/);
  });
});

describe('the gate does not build the app', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );

  test('no file under policies/ imports main.ts, dist/main.js, cdktf or constructs', () => {
    const offenders = files(path.join(root, 'policies')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const hits = [...text.matchAll(/(?:from\s+|require\(|import\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      return hits
        .filter((spec) => /(^|\/)main(\.js|\.ts)?$|^cdktf$|^constructs$|^cdktf\//.test(spec))
        .map((spec) => `${path.relative(root, file)}: ${spec}`);
    });
    expect(offenders).toEqual([]);
  });
});
