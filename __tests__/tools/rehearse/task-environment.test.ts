/**
 * A container's environment resolved as ECS resolves it, against moto's Secrets Manager: plain entries as written,
 * `<secret-arn>[:json-key[:version-stage[:version-id]]]` read at AWSCURRENT when the last two are empty, at the
 * stage or the version id otherwise, and an error naming the variable for anything ECS would not start with.
 */
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  containerDefinitionsFromSynthesized,
  parseValueFrom,
  resolveContainerEnvironment,
  type ContainerEnvironmentSpec,
} from '../../../tools/rehearse/task-environment';
import { MOTO_CLIENT_CONFIG, type MotoServer } from '../../support/moto';
import { sharedMoto } from '../../support/shared-servers';

let moto: MotoServer;
let sm: SecretsManagerClient;
let arn: string;
let firstVersion: string;
let pendingVersion: string;

beforeAll(async () => {
  moto = await sharedMoto();
  sm = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
  const created = await sm.send(
    new CreateSecretCommand({ Name: 'neo4j_stage_secrets', SecretString: JSON.stringify({ user: 'neo4j', n: 7 }) }),
  );
  arn = created.ARN!;
  firstVersion = created.VersionId!;
  // A second version that is AWSPENDING only (a rotation half-way), then a third that takes AWSCURRENT.
  const pending = await sm.send(
    new PutSecretValueCommand({
      SecretId: arn,
      SecretString: JSON.stringify({ user: 'neo4j_alt' }),
      VersionStages: ['AWSPENDING'],
    }),
  );
  pendingVersion = pending.VersionId!;
  await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ user: 'neo4j_3' }) }));
});

afterAll(async () => {
  sm?.destroy();
  await moto?.stop();
});

const spec = (
  secrets: ContainerEnvironmentSpec['secrets'],
  environment: ContainerEnvironmentSpec['environment'] = [],
) => ({
  name: 'credex-core',
  environment,
  secrets,
});

describe('parseValueFrom', () => {
  const base = 'arn:aws:secretsmanager:af-south-1:123456789012:secret:neo4j_stage_secrets-AbCdEf';
  test.each([
    [base, { secretId: base }],
    [`${base}:ledgerspacepass::`, { secretId: base, jsonKey: 'ledgerspacepass' }],
    [`${base}:ledgerspacepass:AWSPENDING:`, { secretId: base, jsonKey: 'ledgerspacepass', versionStage: 'AWSPENDING' }],
    [`${base}:ledgerspacepass::v-1`, { secretId: base, jsonKey: 'ledgerspacepass', versionId: 'v-1' }],
    [`${base}::AWSPREVIOUS:`, { secretId: base, versionStage: 'AWSPREVIOUS' }],
  ])('%s', (valueFrom, expected) => {
    expect(parseValueFrom(valueFrom)).toEqual(expected);
  });

  test.each([
    ['arn:aws:ssm:af-south-1:1:parameter/x', 'not a Secrets Manager secret ARN'],
    ['neo4j_stage_secrets', 'not a Secrets Manager secret ARN'],
    [`${base}:k:AWSCURRENT:v-1`, 'both a version stage and a version id'],
    [`${base}:k:s:v:extra`, 'more than json-key:version-stage:version-id'],
  ])('%s is refused', (valueFrom, message) => {
    expect(() => parseValueFrom(valueFrom)).toThrow(message);
  });
});

describe('resolveContainerEnvironment against moto', () => {
  test('plain entries as written; a JSON key at AWSCURRENT when stage and id are empty', async () => {
    const env = await resolveContainerEnvironment(
      spec([{ name: 'NEO_4J_LEDGER_SPACE_USER', valueFrom: `${arn}:user::` }], [{ name: 'PORT', value: '5000' }]),
      sm,
    );
    expect(env).toEqual({ PORT: '5000', NEO_4J_LEDGER_SPACE_USER: 'neo4j_3' });
  });

  test('the version stage, the version id, and the whole secret without a key', async () => {
    const env = await resolveContainerEnvironment(
      spec([
        { name: 'PENDING', valueFrom: `${arn}:user:AWSPENDING:` },
        { name: 'FIRST', valueFrom: `${arn}:user::${firstVersion}` },
        { name: 'BY_ID', valueFrom: `${arn}:user::${pendingVersion}` },
        { name: 'WHOLE', valueFrom: arn },
      ]),
      sm,
    );
    expect(env).toEqual({ PENDING: 'neo4j_alt', FIRST: 'neo4j', BY_ID: 'neo4j_alt', WHOLE: '{"user":"neo4j_3"}' });
  });

  test.each([
    [`${'${'}aws_secretsmanager_secret.x.arn}:user::`, 'NOPE: valueFrom'],
    ['arn:aws:secretsmanager:af-south-1:123456789012:secret:missing-AbCdEf:user::', 'NOPE: cannot read'],
  ])('%s fails naming the variable', async (valueFrom, message) => {
    await expect(resolveContainerEnvironment(spec([{ name: 'NOPE', valueFrom }]), sm)).rejects.toThrow(message);
  });

  test('a missing key, a non-string value and a variable set twice fail, naming the variable', async () => {
    await expect(resolveContainerEnvironment(spec([{ name: 'A', valueFrom: `${arn}:absent::` }]), sm)).rejects.toThrow(
      'A: ',
    );
    await expect(
      resolveContainerEnvironment(spec([{ name: 'N', valueFrom: `${arn}:n::${firstVersion}` }]), sm),
    ).rejects.toThrow('N: key n of');
    await expect(
      resolveContainerEnvironment(
        spec([{ name: 'PORT', valueFrom: `${arn}:user::` }], [{ name: 'PORT', value: '1' }]),
        sm,
      ),
    ).rejects.toThrow('PORT is set twice');
  });
});

test("containerDefinitionsFromSynthesized replaces references with deployed values and keeps the others' text", () => {
  const defs = containerDefinitionsFromSynthesized(
    '${jsonencode([{"name" = "credex-core", "secrets" = [{"name" = "JWT_SECRET", "valueFrom" = "${aws_secretsmanager_secret.app.arn}:JWT_SECRET::"}], "logConfiguration" = {"options" = {"awslogs-group" = aws_cloudwatch_log_group.logs.name}}}])}',
    (ref) => (ref === 'aws_secretsmanager_secret.app.arn' ? 'arn:aws:secretsmanager:r:1:secret:app-Ab' : undefined),
  );
  expect(defs).toEqual([
    {
      name: 'credex-core',
      secrets: [{ name: 'JWT_SECRET', valueFrom: 'arn:aws:secretsmanager:r:1:secret:app-Ab:JWT_SECRET::' }],
      logConfiguration: { options: { 'awslogs-group': '${aws_cloudwatch_log_group.logs.name}' } },
    },
  ]);
});
