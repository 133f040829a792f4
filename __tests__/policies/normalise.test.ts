import { InputError } from '../../lib/errors';
import { jsonencodeToJson } from '../../policies/engine/hcl';
import { normalise } from '../../policies/engine/normalise';
import { cdktfDoc, planDoc } from './fixtures';

describe('jsonencodeToJson (cdktf Fn.jsonencode output)', () => {
  test.each([
    [
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Resource" = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"]}]})}',
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Resource: ['${aws_s3_bucket.b.arn}', '${aws_s3_bucket.b.arn}/*'] }],
      },
    ],
    [
      '${jsonencode([{"name" = "a", "environment" = [{"name" = "A", "value" = aws_security_group.sg.id}], "privileged" = false, "cpu" = 256}])}',
      [{ name: 'a', environment: [{ name: 'A', value: '${aws_security_group.sg.id}' }], privileged: false, cpu: 256 }],
    ],
    [
      '${jsonencode({key = lookup(var.m, "k", "d"), "q" = "say \\"hi\\"\\n", n = null})}',
      { key: '${lookup(var.m, "k", "d")}', q: 'say "hi"\n', n: null },
    ],
  ])('%s', (input, expected) => {
    expect(JSON.parse(jsonencodeToJson(input) as string)).toEqual(expected);
  });

  test.each(['${jsonencode({"a" = })}', '${jsonencode({"a" = "unterminated})}', 'plain', '${upper("x")}'])(
    'gives up on %s',
    (input) => {
      expect(jsonencodeToJson(input)).toBeUndefined();
    },
  );
});

describe('normalise: cdktf config', () => {
  test('keys resources by Terraform address, strips "//" and keeps metadata and waivers on the host side', () => {
    const doc = cdktfDoc(
      { 'aws_vpc.main': { cidr_block: '10.0.0.0/16' }, 'data.aws_iam_policy_document.d': { statement: [] } },
      'production',
    );
    (doc.resource as any).aws_vpc.main['//'].waivers = [{ rule: 'CDX-NET-002', reason: 'r' }];
    (doc.resource as any).aws_vpc.main['//'].metadata.stackTrace = ['new Network (/x/constructs/network.ts:3:4)'];
    const n = normalise(doc, 'file.json');
    expect(n.input).toEqual({
      format: 'cdktf',
      stack: 'production',
      environment: 'production',
      // The provider's literal region (rules that model ARNs need it).
      region: 'af-south-1',
      resources: {
        'aws_vpc.main': { type: 'aws_vpc', name: 'main', mode: 'managed', values: { cidr_block: '10.0.0.0/16' } },
        'data.aws_iam_policy_document.d': {
          type: 'aws_iam_policy_document',
          name: 'd',
          mode: 'data',
          values: { statement: [] },
        },
      },
      unjudgeable: [],
    });
    expect(n.meta['aws_vpc.main']).toEqual({
      constructPath: 'production/main',
      stackTrace: ['new Network (/x/constructs/network.ts:3:4)'],
      waivers: [{ rule: 'CDX-NET-002', reason: 'r' }],
    });
  });

  test('takes the environment from the provider default tags when the stack name is not one', () => {
    const doc = { provider: { aws: [{ default_tags: [{ tags: { environment: 'production' } }] }] }, resource: {} };
    expect(normalise(doc, 'x.json').input).toMatchObject({ stack: 'x.json', environment: 'production' });
  });
});

describe('normalise: terraform show -json plans', () => {
  test('walks child modules and fills unknown values from configuration references, module-relatively', () => {
    const plan = planDoc(
      {},
      {
        planned_values: {
          root_module: {
            resources: [
              {
                address: 'aws_vpc.main',
                mode: 'managed',
                type: 'aws_vpc',
                name: 'main',
                values: { cidr_block: '10.0.0.0/16' },
              },
            ],
            child_modules: [
              {
                address: 'module.net',
                resources: [
                  {
                    address: 'module.net.aws_flow_log.f[0]',
                    mode: 'managed',
                    type: 'aws_flow_log',
                    name: 'f',
                    values: { traffic_type: 'ALL' },
                  },
                ],
              },
            ],
          },
        },
        resource_changes: [
          {
            address: 'module.net.aws_flow_log.f[0]',
            type: 'aws_flow_log',
            change: { after: {}, after_unknown: { vpc_id: true, id: true, tags: { x: true } } },
          },
        ],
        configuration: {
          root_module: {
            module_calls: {
              net: {
                module: {
                  resources: [
                    {
                      address: 'aws_flow_log.f',
                      expressions: { vpc_id: { references: ['aws_vpc.main.id', 'aws_vpc.main'] } },
                    },
                  ],
                },
              },
            },
          },
        },
      },
    );
    const n = normalise(plan, 'plan.json');
    expect(n.input.format).toBe('plan');
    expect(n.input.resources['module.net.aws_flow_log.f[0]'].values).toEqual({
      traffic_type: 'ALL',
      // Inside module.net, aws_vpc.main is module.net's own VPC, not the root's.
      vpc_id: '${module.net.aws_vpc.main.id}',
      // Its own id, unknown until it exists, is named by its address (unique, and what references to it become).
      id: '${module.net.aws_flow_log.f[0].id}',
      tags: { x: '${(known after apply)}' },
    });
  });

  test('an attribute holding an object has one expression: its references name the unknown parts', () => {
    // Shape of `terraform show -json` (Terraform 1.11) for terraform_data.b { input = { vpc_id = terraform_data.a.id, lit = "x" } }.
    const plan = planDoc(
      { 'terraform_data.b': { input: { lit: 'x' }, triggers_replace: null } },
      {
        resource_changes: [
          {
            address: 'terraform_data.b',
            change: {
              after_unknown: { id: true, input: { vpc_id: true }, output: true },
              after_sensitive: { input: {}, output: {} },
            },
          },
        ],
        configuration: {
          root_module: {
            resources: [
              {
                address: 'terraform_data.b',
                expressions: {
                  input: {
                    constant_value: { lit: 'x', vpc_id: '${terraform_data.a.id}' },
                    references: ['terraform_data.a.id', 'terraform_data.a'],
                  },
                },
              },
            ],
          },
        },
      },
    );
    expect(normalise(plan, 'p').input.resources['terraform_data.b'].values).toEqual({
      input: { lit: 'x', vpc_id: '${terraform_data.a.id}' },
      triggers_replace: null,
      id: '${terraform_data.b.id}',
      output: '${(known after apply)}',
    });
  });

  test('masks sensitive values unless the configuration wrote them as literals', () => {
    const plan = planDoc(
      {
        'aws_secretsmanager_secret_version.generated': { secret_string: 'generated-value' },
        'aws_secretsmanager_secret_version.literal': { secret_string: 'typed-in' },
      },
      {
        resource_changes: [
          {
            address: 'aws_secretsmanager_secret_version.generated',
            change: { after_sensitive: { secret_string: true } },
          },
          {
            address: 'aws_secretsmanager_secret_version.literal',
            change: { after_sensitive: { secret_string: true } },
          },
        ],
        configuration: {
          root_module: {
            resources: [
              {
                address: 'aws_secretsmanager_secret_version.generated',
                expressions: { secret_string: { references: ['random_password.p.result', 'random_password.p'] } },
              },
              {
                address: 'aws_secretsmanager_secret_version.literal',
                expressions: { secret_string: { constant_value: 'typed-in' } },
              },
            ],
          },
        },
      },
    );
    const r = normalise(plan, 'plan.json').input.resources;
    expect(r['aws_secretsmanager_secret_version.generated'].values.secret_string).toBe('${(sensitive)}');
    expect(r['aws_secretsmanager_secret_version.literal'].values.secret_string).toBe('typed-in');
  });

  test('takes data sources read while planning from prior_state', () => {
    const plan = planDoc(
      { 'aws_iam_policy.p': { policy: '${data.aws_iam_policy_document.d.json}' } },
      {
        prior_state: {
          values: {
            root_module: {
              resources: [
                {
                  address: 'data.aws_iam_policy_document.d',
                  mode: 'data',
                  type: 'aws_iam_policy_document',
                  name: 'd',
                  values: { statement: [] },
                },
                { address: 'aws_vpc.old', mode: 'managed', type: 'aws_vpc', name: 'old', values: {} },
              ],
            },
          },
        },
      },
    );
    expect(Object.keys(normalise(plan, 'p').input.resources).sort()).toEqual([
      'aws_iam_policy.p',
      'data.aws_iam_policy_document.d',
    ]);
  });

  test('uses resource_changes[].change.after when there are no planned values', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_vpc.v',
          mode: 'managed',
          type: 'aws_vpc',
          name: 'v',
          change: { after: { cidr_block: '10.0.0.0/16' } },
        },
      ],
    };
    expect(normalise(plan, 'p').input.resources['aws_vpc.v'].values).toEqual({ cidr_block: '10.0.0.0/16' });
  });
});

describe('normalise: unusable input', () => {
  test.each([
    ['an array', [1, 2]],
    ['a string', 'resource'],
    ['null', null],
    ['an empty object', {}],
    ['JSON that is not Terraform', { name: 'package', version: '1.0.0' }],
    ['a resource section that is not an object', { resource: [] }],
    ['a resource that is not an object', { resource: { aws_vpc: { main: 3 } } }],
  ])('%s is an InputError', (_what, doc) => {
    expect(() => normalise(doc, 'in.json')).toThrow(InputError);
  });
});

describe('normalise: plans read module-relatively (plan-references.ts)', () => {
  /** A plan with one unknown-valued resource at `address` and the given configuration root module. */
  const plan = (address: string, unknown: Record<string, unknown>, rootModule: unknown, sensitive = {}) => ({
    format_version: '1.2',
    planned_values: {
      root_module: {
        child_modules: [{ resources: [{ address, mode: 'managed', type: 'aws_x', name: 'x', values: {} }] }],
      },
    },
    resource_changes: [{ address, change: { after: {}, after_unknown: unknown, after_sensitive: sensitive } }],
    configuration: { root_module: rootModule },
  });
  const values = (p: unknown, address: string) => normalise(p, 'p').input.resources[address].values;
  const refs = (...r: string[]) => ({ references: r });
  const x = (expressions: Record<string, unknown>) => ({ address: 'aws_x.x', type: 'aws_x', name: 'x', expressions });

  test('a variable is what the parent module passes, in the parent scope, through every level', () => {
    const root = {
      resources: [{ address: 'aws_vpc.root' }],
      module_calls: {
        a: {
          expressions: { vpc: refs('aws_vpc.root.id', 'aws_vpc.root') },
          module: {
            module_calls: {
              b: {
                expressions: { vpc: refs('var.vpc'), subnet: refs('aws_subnet.s.id', 'aws_subnet.s') },
                module: { resources: [x({ vpc_id: refs('var.vpc'), subnet_id: refs('var.subnet') })] },
              },
            },
          },
        },
      },
    };
    expect(
      values(plan('module.a.module.b.aws_x.x', { vpc_id: true, subnet_id: true }, root), 'module.a.module.b.aws_x.x'),
    ).toEqual({
      vpc_id: '${aws_vpc.root.id}',
      subnet_id: '${module.a.aws_subnet.s.id}',
    });
  });

  test("a module's output is its expression, in the module's scope, through nested outputs", () => {
    const root = {
      module_calls: {
        m: {
          expressions: {},
          module: {
            resources: [x({ vpc_id: refs('module.net.vpc_id', 'module.net') })],
            module_calls: {
              net: {
                module: {
                  outputs: { vpc_id: { expression: refs('module.inner.id', 'module.inner') } },
                  module_calls: {
                    inner: { module: { outputs: { id: { expression: refs('aws_vpc.main.id', 'aws_vpc.main') } } } },
                  },
                },
              },
            },
          },
        },
      },
    };
    expect(values(plan('module.m.aws_x.x', { vpc_id: true }, root), 'module.m.aws_x.x').vpc_id).toBe(
      '${module.m.module.net.module.inner.aws_vpc.main.id}',
    );
  });

  test('instance keys of modules and resources are kept: module.net[0], module.m["k"]', () => {
    const root = {
      module_calls: {
        net: { module: { resources: [x({ vpc_id: refs('aws_vpc.main[1].id', 'aws_vpc.main[1]', 'aws_vpc.main') })] } },
        m: { module: { resources: [x({ vpc_id: refs('aws_vpc.main.id', 'aws_vpc.main') })] } },
      },
    };
    expect(values(plan('module.net[0].aws_x.x', { vpc_id: true }, root), 'module.net[0].aws_x.x').vpc_id).toBe(
      '${module.net[0].aws_vpc.main[1].id}',
    );
    expect(
      values(plan('module.m["k.1"].aws_x.x[2]', { vpc_id: true }, root), 'module.m["k.1"].aws_x.x[2]').vpc_id,
    ).toBe('${module.m["k.1"].aws_vpc.main.id}');
  });

  test('a list of references is one per resource; one value that may come from two resources is not named', () => {
    const root = {
      resources: [
        x({
          security_group_ids: refs(
            'aws_security_group.a.id',
            'aws_security_group.a',
            'aws_security_group.b.id',
            'aws_security_group.b',
          ),
          vpc_id: refs('var.use_a', 'aws_vpc.a.id', 'aws_vpc.a', 'aws_vpc.b.id', 'aws_vpc.b'),
          cidr: refs('var.cidr'),
        }),
      ],
    };
    // after_sensitive marks collections ([]) even when their content is unknown.
    const p = plan('aws_x.x', { security_group_ids: true, vpc_id: true, cidr: true }, root, { security_group_ids: [] });
    expect(values(p, 'aws_x.x')).toEqual({
      security_group_ids: ['${aws_security_group.a.id}', '${aws_security_group.b.id}'],
      vpc_id: '${(known after apply)}',
      cidr: '${var.cidr}',
    });
  });

  test('outputs that refer to themselves end, unresolved', () => {
    const root = {
      module_calls: {
        m: {
          expressions: { v: refs('module.m.out') },
          module: { outputs: { out: { expression: refs('var.v') } }, resources: [x({ a: refs('var.v') })] },
        },
      },
    };
    expect(values(plan('module.m.aws_x.x', { a: true }, root), 'module.m.aws_x.x').a).toBe('${var.v}');
  });
});
