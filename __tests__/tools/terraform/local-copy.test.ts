/**
 * The local copy (tools/terraform/local-copy.ts) of the project's stacks and of small documents: the product JSON
 * stays as synthesized, and every difference is listed.
 */
import { synthProject } from '../../support/synth';
import { localCopy, STAND_INS } from '../../../tools/terraform/local-copy';
import { LOCAL_PROVIDER_VERSION } from '../../../tools/terraform/local-provider';
import { MOTO_SERVICES } from '../../../tools/terraform/moto';
import type { TerraformJson } from '../../../lib/synth-output';

const project = synthProject();
const stack = (name: string) => project.stacks[name] as unknown as TerraformJson;

describe.each(['global', 'staging', 'production'])('%s', (name) => {
  const product = stack(name);
  const copy = localCopy(product);

  test('the product JSON is untouched (it is frozen: a write would throw) and still pins what production applies', () => {
    expect(product.terraform?.required_providers?.aws?.version).toBe('6.25.0');
    expect(Object.isFrozen(product.resource)).toBe(true);
    expect(product).toEqual(JSON.parse(project.text(name)));
  });

  test('the copy asks for the local provider, keeps no backend, and no provider this machine lacks', () => {
    expect(copy.json.terraform?.required_providers).toEqual({
      aws: { source: 'hashicorp/aws', version: LOCAL_PROVIDER_VERSION },
    });
    expect(copy.json.terraform?.backend).toBeUndefined();
    expect(Object.keys(copy.json.provider ?? {})).toEqual(['aws']);
    const text = JSON.stringify(copy.json);
    expect(text).not.toMatch(/null_resource|random_password/);
  });

  test('every difference is listed, and the stand-ins are exactly one per null_resource and random_password', () => {
    const kinds = copy.changes.map((c) => c.kind);
    expect(kinds.filter((k) => k === 'provider')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'backend')).toHaveLength(1);
    const standIns = copy.changes.filter((c) => c.kind === 'stand-in').map((c) => c.subject.split('.')[0]);
    const expected = ['null_resource', 'random_password'].flatMap((type) =>
      Object.keys(product.resource?.[type] ?? {}).map(() => type),
    );
    expect(standIns.sort()).toEqual(expected.sort());
    expect(copy.secretVariables).toHaveLength(Object.keys(product.resource?.random_password ?? {}).length);
  });
});

test('staging: the bake keeps its exact command line, triggers and place in the graph; passwords read the stand-ins', () => {
  const product = stack('staging');
  const copy = localCopy(product);
  const [[name, bake]] = Object.entries(product.resource!.null_resource);
  const standIn = copy.json.resource!.terraform_data[name];
  expect(standIn.provisioner).toEqual(bake.provisioner);
  expect(standIn.triggers_replace).toEqual(bake.triggers);
  const ami = Object.values(copy.json.data!.aws_ami)[0];
  expect(ami.depends_on).toEqual([`terraform_data.${name}`]);

  const passwords = Object.keys(product.resource!.random_password);
  const connection = JSON.stringify(copy.json.resource!.aws_secretsmanager_secret_version);
  for (const p of passwords) {
    expect(copy.json.resource!.terraform_data[p].input).toMatch(/^\$\{var\.stand_in_[\w]+\}$/);
    expect(connection).toContain(`terraform_data.${p}.output`);
  }
  for (const v of copy.secretVariables) {
    expect(copy.json.variable![v.name]).toMatchObject({ type: 'string', sensitive: true });
    expect(v).toMatchObject({ length: 40, special: false });
  }
});

test('the STAND_INS table names what stands in for what, and how', () => {
  expect(STAND_INS.map((s) => `${s.type} -> ${s.insteadType}`)).toEqual([
    'null_resource -> terraform_data',
    'random_password -> terraform_data',
  ]);
});

const small = (resource: TerraformJson['resource'], extra: Partial<TerraformJson> = {}): TerraformJson => ({
  terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '6.25.0' } } },
  provider: { aws: [{ region: 'af-south-1' }] },
  resource,
  ...extra,
});

test('a random_password setting the stand-in does not honour is refused, one line, naming it', () => {
  expect(() => localCopy(small({ random_password: { p: { length: 20, min_upper: 3 } } }))).toThrow(
    'random_password.p sets min_upper: the stand-in honours only length and special',
  );
});

test('a reference to an attribute the stand-in does not have is refused', () => {
  const json = small(
    { random_password: { p: { length: 20 } }, aws_ssm_parameter: { x: { value: '${random_password.p.bcrypt_hash}' } } },
    {},
  );
  expect(() => localCopy(json)).toThrow('no stand-in for the reference random_password.p.bcrypt_hash');
});

test('against moto: every service endpoint at moto, dummy keys, and an excluded type leaves with what refers to it', () => {
  const json = small(
    {
      aws_dlm_lifecycle_policy: { backups: { description: 'x' } },
      aws_iam_role: { role: { name: 'r' } },
      aws_cloudwatch_metric_alarm: {
        watch: { alarm_name: 'a', dimensions: { p: '${aws_dlm_lifecycle_policy.backups.id}' } },
      },
      aws_sns_topic: { t: { name: 't', depends_on: ['aws_cloudwatch_metric_alarm.watch'] } },
    },
    {
      output: {
        policy: { value: '${aws_dlm_lifecycle_policy.backups.arn}' },
        role: { value: '${aws_iam_role.role.arn}' },
      },
    },
  );
  const copy = localCopy(json, {
    moto: {
      endpoint: 'http://127.0.0.1:1',
      exclusions: [{ type: 'aws_dlm_lifecycle_policy', reason: 'no DLM in moto' }],
    },
  });
  const aws = copy.json.provider!.aws[0] as Record<string, any>;
  expect(Object.keys(aws.endpoints[0]).sort()).toEqual([...MOTO_SERVICES].sort());
  expect(new Set(Object.values(aws.endpoints[0]))).toEqual(new Set(['http://127.0.0.1:1']));
  expect(aws).toMatchObject({ access_key: 'testing', secret_key: 'testing', skip_credentials_validation: true });
  expect(copy.changes.filter((c) => c.kind === 'excluded').map((c) => [c.subject, c.reason])).toEqual([
    ['aws_dlm_lifecycle_policy.backups', 'no DLM in moto'],
    ['aws_cloudwatch_metric_alarm.watch', 'refers to aws_dlm_lifecycle_policy.backups, which moto cannot serve'],
    ['aws_sns_topic.t', 'refers to aws_cloudwatch_metric_alarm.watch, which moto cannot serve'],
    ['output.policy', 'reads aws_dlm_lifecycle_policy.backups'],
  ]);
  expect(Object.keys(copy.json.resource!)).toEqual(['aws_iam_role']);
  expect(Object.keys(copy.json.output!)).toEqual(['role']);
});
