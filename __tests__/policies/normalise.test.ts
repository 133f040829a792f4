import { InputError } from '../../policies/engine/errors';
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
  test('walks child modules and fills unknown values from configuration references', () => {
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
      vpc_id: '${aws_vpc.main.id}',
      id: '${(known after apply)}',
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
      id: '${(known after apply)}',
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
