/**
 * Shapes of a cdktf config (Terraform JSON) that hide values from the rules: locals, dynamic blocks, for expressions
 * (cdktf's TerraformIterator.dynamic on attribute blocks), module calls, variables. The gate resolves what it can
 * exactly and fails closed (CDX-GATE-002) on the rest; through the compiled bundle and, for the example,
 * through the bundled CLI.
 */
import { normalise } from '../../policies/engine/normalise';
import { policyCliFixture } from '../support/policy-cli';
import { cdktfDoc, check } from '../support/policy-fixtures';

type Json = Record<string, unknown>;
const ssh = (cidrs: unknown) => ({ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: cidrs });
/** A cdktf document with extra top-level sections (locals, variable, module). */
const doc = (resources: Record<string, Json>, extra: Json = {}) => ({ ...cdktfDoc(resources), ...extra });
const findings = async (d: unknown) => (await check(d)).findings.map((f) => `${f.rule} ${f.address}`);
const messages = async (d: unknown) =>
  (await check(d)).findings.map((f) => `${f.rule} ${f.address}: ${f.message}`).sort();
const gateMessages = async (d: unknown) =>
  (await check(d)).findings.filter((f) => f.rule === 'CDX-GATE-002').map((f) => f.message);
const values = (d: unknown, address: string) => normalise(d, 'd').input.resources[address].values;

describe('locals are resolved where they are used', () => {
  test("the issue's example: SSH from local.admin_cidr = 0.0.0.0/0 is world-open", async () => {
    const d = doc(
      { 'aws_security_group.web': { ingress: [ssh(['${local.admin_cidr}'])] } },
      {
        locals: { admin_cidr: '0.0.0.0/0' },
      },
    );
    expect(await findings(d)).toEqual(['CDX-SG-005 aws_security_group.web']);
    const office = doc(
      { 'aws_security_group.web': { ingress: [ssh(['${local.admin_cidr}'])] } },
      {
        locals: { admin_cidr: '203.0.113.0/24' },
      },
    );
    expect(await findings(office)).toEqual([]);
  });

  test('locals of locals, members and elements, whole values and interpolations', () => {
    const d = doc(
      {
        'aws_security_group.web': {
          name: '${local.prefix}-web-${local.n}',
          ingress: [ssh('${local.nets.admin}'), ssh(['${local.list[1]}']), { ...ssh([]), from_port: '${local.n}' }],
          vpc_id: '${local.vpc}',
        },
      },
      {
        locals: {
          prefix: 'credex-${local.env}',
          env: 'staging',
          n: 22,
          nets: { admin: ['${local.world}'] },
          world: '0.0.0.0/0',
          list: ['10.0.0.0/8', '${local.world}'],
          vpc: '${aws_vpc.main.id}',
        },
      },
    );
    expect(values(d, 'aws_security_group.web')).toEqual({
      name: 'credex-staging-web-22',
      ingress: [ssh(['0.0.0.0/0']), ssh(['0.0.0.0/0']), { ...ssh([]), from_port: 22 }],
      // A local that is an expression is that expression, in the same scope.
      vpc_id: '${aws_vpc.main.id}',
    });
  });

  test('what cannot be resolved stays an expression: unknown locals, cycles, calls, variables', () => {
    const d = doc(
      {
        'aws_security_group.web': {
          a: '${local.missing}',
          b: '${local.loop}',
          c: '${upper(local.env)}',
          d: '${var.cidr}',
          e: '${local.from_var}',
          f: 'x-$${local.env}',
        },
      },
      {
        locals: { loop: '${local.loop2}', loop2: '${local.loop}', env: 'staging', from_var: '${var.cidr}' },
        variable: { cidr: { type: 'string', default: '10.0.0.0/8' } },
      },
    );
    expect(values(d, 'aws_security_group.web')).toEqual({
      a: '${local.missing}',
      b: '${local.loop}',
      c: '${upper(local.env)}',
      // A variable's default is only what applies when no one sets it (-var, tfvars, TF_VAR_): not resolved.
      d: '${var.cidr}',
      e: '${var.cidr}',
      // "$${" is a literal "${" in Terraform: not an interpolation.
      f: 'x-$${local.env}',
    });
  });
});

describe('dynamic blocks and for expressions', () => {
  const rules = [
    { port: 22, cidr: '0.0.0.0/0' },
    { port: 443, cidr: '10.0.0.0/8' },
  ];
  const dynamicIngress = (forEach: unknown, iterator?: string) => ({
    'aws_security_group.web': {
      dynamic: {
        ingress: {
          for_each: forEach,
          ...(iterator ? { iterator } : {}),
          content: {
            protocol: 'tcp',
            from_port: `\${${iterator ?? 'ingress'}.value.port}`,
            to_port: `\${${iterator ?? 'ingress'}.value.port}`,
            cidr_blocks: [`\${${iterator ?? 'ingress'}.value.cidr}`],
          },
        },
      },
    },
  });

  test.each([
    ['a literal list', rules, undefined, {}],
    ['a local', '${local.rules}', undefined, { locals: { rules } }],
    ['toset() of a local, with a named iterator', '${toset(local.rules)}', 'rule', { locals: { rules } }],
    ['a literal map', { ssh: rules[0], web: rules[1] }, undefined, {}],
  ])('a dynamic block over %s is expanded and judged', async (_name, forEach, iterator, extra) => {
    const d = doc(dynamicIngress(forEach, iterator), extra);
    expect(values(d, 'aws_security_group.web').ingress).toEqual([
      { protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'] },
      { protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['10.0.0.0/8'] },
    ]);
    expect(await findings(d)).toEqual(['CDX-SG-005 aws_security_group.web']);
  });

  test('expanded blocks follow the literal blocks of the same type; nested dynamic blocks too', () => {
    const d = doc({
      'aws_instance.i': {
        ebs_block_device: [{ device_name: '/dev/sdb', encrypted: true }],
        dynamic: {
          ebs_block_device: {
            for_each: ['/dev/sdc'],
            iterator: 'dev',
            content: { device_name: '${dev.value}', encrypted: false },
          },
          network_interface: {
            for_each: [{ idx: 0, groups: ['sg-1'] }],
            content: {
              device_index: '${network_interface.value.idx}',
              dynamic: { tag: { for_each: '${network_interface.value.groups}', content: { id: '${tag.value}' } } },
            },
          },
        },
      },
    });
    expect(values(d, 'aws_instance.i')).toEqual({
      ebs_block_device: [
        { device_name: '/dev/sdb', encrypted: true },
        { device_name: '/dev/sdc', encrypted: false },
      ],
      network_interface: [{ device_index: 0, tag: [{ id: 'sg-1' }] }],
    });
  });

  test("cdktf's for expression over a local (TerraformIterator.dynamic on ingress) is expanded and judged", async () => {
    const d = doc(
      {
        'aws_security_group.dyn': {
          ingress:
            '${[ for key, val in toset(local.ports): {"protocol" = "tcp", "from_port" = val, "to_port" = val, "cidr_blocks" = [local.admin_cidr]}]}',
        },
      },
      { locals: { admin_cidr: '0.0.0.0/0', ports: [22, 80, 22] } },
    );
    expect(values(d, 'aws_security_group.dyn').ingress).toEqual([
      { protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'] },
      { protocol: 'tcp', from_port: 80, to_port: 80, cidr_blocks: ['0.0.0.0/0'] },
    ]);
    expect(await findings(d)).toEqual(['CDX-SG-005 aws_security_group.dyn']);
  });

  test.each([
    [
      'a dynamic block over a variable',
      dynamicIngress('${var.rules}'),
      /dynamic "ingress" block \(for_each \$\{var\.rules\}\)/,
    ],
    [
      'a dynamic block whose content uses the iterator in a call',
      {
        'aws_security_group.web': {
          dynamic: { ingress: { for_each: ['a'], content: { cidr_blocks: ['${cidrsubnet(ingress.value, 8, 1)}'] } } },
        },
      },
      /dynamic "ingress" block/,
    ],
    [
      'a for expression over a data source',
      { 'aws_security_group.web': { ingress: '${[for r in data.external.rules.result : {"cidr_blocks" = [r]}]}' } },
      /ingress is built by a for expression/,
    ],
    [
      'a for expression with an if clause',
      { 'aws_security_group.web': { ingress: '${[for r in ["a"] : {"cidr_blocks" = [r]} if r != ""]}' } },
      /ingress is built by a for expression/,
    ],
  ])('%s cannot be judged: CDX-GATE-002', async (_name, resources, detail) => {
    const messages = await gateMessages(doc(resources as Record<string, Json>));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^cannot be judged: /);
    expect(messages[0]).toMatch(detail);
    expect(messages[0]).toMatch(/ — .*(literal list|plan)/);
  });
});

test('a literal for_each is resolved too (a local inside it)', () => {
  const d = doc(
    {
      'aws_security_group.web': {
        dynamic: { ingress: { for_each: ['${local.admin}'], content: ssh(['${ingress.value}']) } },
      },
    },
    { locals: { admin: '0.0.0.0/0' } },
  );
  expect(values(d, 'aws_security_group.web').ingress).toEqual([ssh(['0.0.0.0/0'])]);
});

describe('references with instance keys', () => {
  test('in a config, aws_security_group.web[0] is the one body of aws_security_group.web', async () => {
    const d = doc({
      'aws_security_group.web': { ingress: [ssh(['0.0.0.0/1'])] },
      'aws_security_group_rule.other': {
        ...ssh(['128.0.0.0/1']),
        type: 'ingress',
        security_group_id: '${aws_security_group.web[0].id}',
      },
    });
    // One finding at the group, naming both halves (the rule's half joined the group through web[0]).
    expect(await messages(d)).toEqual([
      'CDX-SG-005 aws_security_group.web: rules of aws_security_group.web together open port 22 to the whole ' +
        'internet: aws_security_group.web ingress[0] (0.0.0.0/1), aws_security_group_rule.other (128.0.0.0/1)',
    ]);
  });

  test('in a plan, web[0] and web[1] are two groups: a rule of web[0] adds up with web[0] only', async () => {
    const resource = (address: string, type: string, values: Json) => ({
      address,
      type,
      mode: 'managed',
      name: 'x',
      values,
    });
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            resource('aws_security_group.web[0]', 'aws_security_group', { ingress: [ssh(['0.0.0.0/1'])] }),
            resource('aws_security_group.web[1]', 'aws_security_group', { ingress: [ssh(['0.0.0.0/1'])] }),
            resource('aws_security_group_rule.other', 'aws_security_group_rule', {
              ...ssh(['128.0.0.0/1']),
              type: 'ingress',
              security_group_id: '${aws_security_group.web[0].id}',
            }),
          ],
        },
      },
    };
    // One finding at web[0], naming both halves; web[1] alone opens half the internet: nothing there.
    expect(await messages(plan)).toEqual([
      'CDX-SG-005 aws_security_group.web[0]: rules of aws_security_group.web[0] together open port 22 to the whole ' +
        'internet: aws_security_group.web[0] ingress[0] (0.0.0.0/1), aws_security_group_rule.other (128.0.0.0/1)',
    ]);
  });

  // Terraform writes the reference aws_security_group.web[count.index].id of a new group as the references
  // ["aws_security_group.web", "count.index"] (the index is not known while configuring; checked against
  // Terraform 1.11 in fixtures/terraform), and the value as known only after apply: it names every instance.
  describe('in a plan, a reference with a computed index names every instance', () => {
    const unknownRef = (ref: string) => ({ references: [ref, 'count.index'] });
    /** A plan of new resources; `unknown` maps an address to its attributes known only after apply, with their expressions. */
    const plan = (resources: [string, Json, Record<string, unknown>][]) => {
      const type = (a: string) => a.split('.')[0];
      const name = (a: string) => a.split('.')[1].replace(/\[.*$/, '');
      const configured = new Map<string, Json>();
      for (const [address, , unknown] of resources) configured.set(address.replace(/\[.*$/, ''), unknown);
      return {
        format_version: '1.2',
        planned_values: {
          root_module: {
            resources: resources.map(([address, values]) => ({
              address,
              type: type(address),
              mode: 'managed',
              name: name(address),
              values,
            })),
          },
        },
        resource_changes: resources.map(([address, values, unknown]) => ({
          address,
          type: type(address),
          mode: 'managed',
          name: name(address),
          change: {
            actions: ['create'],
            before: null,
            after: values,
            after_unknown: Object.fromEntries(Object.keys(unknown).map((k) => [k, true])),
            after_sensitive: Object.fromEntries(
              Object.entries(unknown)
                .filter(([, e]) => Array.isArray(e))
                .map(([k]) => [k, []]),
            ),
          },
        })),
        configuration: {
          root_module: {
            resources: [...configured].map(([address, unknown]) => ({
              address,
              type: type(address),
              mode: 'managed',
              name: name(address),
              expressions: Object.fromEntries(
                Object.entries(unknown).map(([k, e]) => [
                  k,
                  // A list of references is one expression listing them all, as Terraform writes it.
                  Array.isArray(e) ? { references: e.flatMap((x: { references: string[] }) => x.references) } : e,
                ]),
              ),
            })),
          },
        },
      };
    };
    const group = (i: number, cidr: string): [string, Json, Record<string, unknown>] => [
      `aws_security_group.web[${i}]`,
      { ingress: [ssh([cidr])] },
      {},
    ];

    test('a counted rule of web[count.index] adds up with each instance of web', async () => {
      const rule = (i: number): [string, Json, Record<string, unknown>] => [
        `aws_security_group_rule.other[${i}]`,
        { ...ssh(['128.0.0.0/1']), type: 'ingress' },
        { security_group_id: unknownRef('aws_security_group.web') },
      ];
      const found = await messages(plan([group(0, '0.0.0.0/1'), group(1, '0.0.0.0/1'), rule(0), rule(1)]));
      expect(found.map((m) => m.split(':')[0])).toEqual([
        'CDX-SG-005 aws_security_group.web[0]',
        'CDX-SG-005 aws_security_group.web[1]',
      ]);
      expect(found[0]).toContain('aws_security_group.web[0] ingress[0] (0.0.0.0/1), aws_security_group_rule.other[0]');
      // Private halves open nothing.
      expect(await messages(plan([group(0, '10.0.0.0/9'), group(1, '10.0.0.0/9'), rule(0), rule(1)]))).toEqual([]);
    });

    test('an instance that carries web[count.index] with another group adds up with each instance of web', async () => {
      const instance = (i: number): [string, Json, Record<string, unknown>] => [
        `aws_instance.x[${i}]`,
        { ami: 'ami-1', metadata_options: { http_tokens: 'required' }, root_block_device: { encrypted: true } },
        {
          vpc_security_group_ids: [
            unknownRef('aws_security_group.web'),
            { references: ['aws_security_group.b.id', 'aws_security_group.b'] },
          ],
        },
      ];
      const b: [string, Json, Record<string, unknown>] = [
        'aws_security_group.b',
        { ingress: [ssh(['128.0.0.0/1'])] },
        {},
      ];
      const found = await messages(plan([group(0, '0.0.0.0/1'), group(1, '0.0.0.0/1'), b, instance(0), instance(1)]));
      expect(found.map((m) => m.split(':')[0])).toEqual([
        'CDX-SG-005 aws_instance.x[0]',
        'CDX-SG-005 aws_instance.x[1]',
      ]);
      expect(found[0]).toContain(
        'aws_security_group.b ingress[0] (128.0.0.0/1), aws_security_group.web[0] ingress[0] (0.0.0.0/1)',
      );
      expect(
        await messages(plan([group(0, '10.0.0.0/9'), group(1, '10.0.0.0/9'), b, instance(0), instance(1)])),
      ).toEqual([]);
    });
  });
});

describe('module calls', () => {
  const withModule = (comment: Json = {}) =>
    doc(
      { 'aws_vpc.main': { cidr_block: '10.0.0.0/16' }, 'aws_flow_log.f': { vpc_id: '${aws_vpc.main.id}' } },
      {
        module: { net: { source: 'terraform-aws-modules/vpc/aws', version: '5.0.0', cidr: '10.0.0.0/16', ...comment } },
      },
    );

  test('a module call cannot be judged from the config: its resources are not in it', async () => {
    const report = await check(withModule());
    expect(report.findings.map((f) => [f.rule, f.address, f.severity])).toEqual([
      ['CDX-GATE-002', 'module.net', 'deny'],
    ]);
    expect(report.findings[0].message).toBe(
      'cannot be judged: module "net" (source terraform-aws-modules/vpc/aws): its resources are not in this document — ' +
        "judge the plan instead (terraform show -json of a saved plan), where the module's resources are expanded",
    );
  });

  test('a module call reviewed elsewhere may carry a waiver with its reason', async () => {
    const waived = withModule({
      '//': { waivers: [{ rule: 'CDX-GATE-002', reason: 'the VPC module is judged by its own plan in CI' }] },
    });
    const report = await check(waived);
    expect(report.findings).toEqual([]);
    expect(report.waivers.map((w) => [w.rule, w.address, w.status])).toEqual([
      ['CDX-GATE-002', 'module.net', 'applied'],
    ]);
  });
});

describe('through the CLI', () => {
  const cli = policyCliFixture('credex-config-shapes-');
  test("the issue's example exits 1 with the SSH finding", () => {
    const file = cli.write('locals.json', {
      locals: { admin_cidr: '0.0.0.0/0' },
      resource: { aws_security_group: { web: { ingress: [ssh(['${local.admin_cidr}'])] } } },
    });
    const r = cli.run(['--input', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /CDX-SG-005 +aws_security_group\.web +ingress\[0\] allows port 22 from the whole internet/,
    );
  });

  test('a module call is located at its own line of the document (SARIF)', () => {
    const document = doc({}, { module: { net: { source: './net' } } });
    const r = cli.run(['--input', cli.write('module.json', document), '--format', 'sarif']);
    expect(r.code).toBe(1);
    const [result] = JSON.parse(r.stdout).runs[0].results;
    expect(result.ruleId).toBe('CDX-GATE-002');
    const lines = JSON.stringify(document, null, 2).split('\n');
    expect(result.locations[0].physicalLocation.region.startLine).toBe(lines.indexOf('    "net": {') + 1);
  });
});

test('locals that repeat each other do not grow without bound: past a budget they stay references', () => {
  // l0 = [l1, l1], l1 = [l2, l2], ... l40 = "x": 2^40 values if expanded.
  const locals: Json = { l40: 'x' };
  for (let i = 0; i < 40; i++) locals[`l${i}`] = [`\${local.l${i + 1}}`, `\${local.l${i + 1}}`];
  const started = Date.now();
  const v = values(
    doc({ 'aws_security_group.web': { description: '${local.l0}', name: '${local.l39}' } }, { locals }),
    'aws_security_group.web',
  );
  // Resolved up to the budget (2,000,000 values added), the rest left as references the rules do not take for values.
  const text = JSON.stringify(v.description);
  expect(text).toContain('${local.l');
  expect(text.length).toBeLessThan(100_000_000);
  expect(v.name).toEqual(['x', 'x']);
  expect(Date.now() - started).toBeLessThan(10_000);
});
