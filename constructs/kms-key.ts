import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Fn, Lazy } from 'cdktf';
import { Construct } from 'constructs';

/** The actions of key administration (Terraform's create/read/update/delete of the key and its alias): no data use. */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

/** The encryption context SNS gives KMS for a topic's messages. */
const SNS_TOPIC_CONTEXT = 'kms:EncryptionContext:aws:sns:topicArn';

/** What a principal that writes and reads data under the key through a service needs. */
const USE_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

export interface EnvironmentKeyProps {
  readonly environment: string;
  readonly region: string;
  /** Account id and partition (Terraform references from aws_caller_identity / aws_partition). */
  readonly accountId: string;
  readonly partition: string;
  /** Alias, e.g. alias/credex-staging. */
  readonly aliasName: string;
  /**
   * Log groups (names, `*` allowed) CloudWatch Logs may encrypt with the key; each name is a condition on the
   * encryption context, so no other log group of the account can use it.
   */
  readonly logGroupNames: readonly string[];
  /**
   * ARN of the environment's alarm topic (built from its name: the topic refers to the key, so the key policy
   * cannot refer to the topic), the only topic CloudWatch alarms and EventBridge may encrypt messages for.
   */
  readonly alarmTopicArn: string;
  /** @default 30 */
  readonly deletionWindowDays?: number;
}

/**
 * The environment's customer-managed KMS key (symmetric, yearly automatic rotation) and its alias. Its key policy
 * grants exactly:
 * - key administration (no encrypt/decrypt) to the account, i.e. to the identities IAM allows it: the deployers;
 * - CloudWatch Logs, for this environment's log groups only (encryption-context condition);
 * - data use through Secrets Manager and EC2 (EBS) only, from this account, to the identities IAM allows it
 *   (kms:ViaService + kms:CallerAccount): the deployers writing secret versions and launching encrypted volumes;
 * - Decrypt through Secrets Manager to the roles named with `allowSecretRead` (execution role, Neo4j instance roles),
 *   and Decrypt + GenerateDataKey to those named with `allowSecretWrite` (the rotation function);
 * - CloudWatch alarms (from this account) and EventBridge to publish to the encrypted alarm topic, for that topic only.
 */
export class EnvironmentKey extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;
  /** ARN of the key (what kms_key_id / kms_master_key_id take). */
  public readonly arn: string;
  private readonly readers: string[] = [];
  private readonly writers: string[] = [];

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    const window = props.deletionWindowDays ?? 30;
    if (!Number.isInteger(window) || window < 7 || window > 30)
      throw new Error(`EnvironmentKey ${id}: deletionWindowDays must be 7..30, got ${window}`);
    if (props.logGroupNames.length === 0) throw new Error(`EnvironmentKey ${id}: logGroupNames is empty`);
    const { region, accountId: account, partition } = props;
    const root = `arn:${partition}:iam::${account}:root`;
    const inAccount = { 'kms:CallerAccount': account };
    const sourceAccount = { 'aws:SourceAccount': account };

    const statements = (): Record<string, unknown>[] => [
      {
        Sid: 'KeyAdministration',
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: [...KEY_ADMIN_ACTIONS],
        Resource: '*',
      },
      {
        Sid: 'CloudWatchLogsOfThisEnvironment',
        Effect: 'Allow',
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: [
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:Encrypt',
          'kms:GenerateDataKey',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
        ],
        Resource: '*',
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': props.logGroupNames.map(
              (name) => `arn:${partition}:logs:${region}:${account}:log-group:${name}`,
            ),
          },
        },
      },
      {
        Sid: 'UseThroughSecretsManagerAndEbs',
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: [...USE_ACTIONS, 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext'],
        Resource: '*',
        Condition: {
          StringEquals: {
            ...inAccount,
            'kms:ViaService': [`secretsmanager.${region}.amazonaws.com`, `ec2.${region}.amazonaws.com`],
          },
        },
      },
      {
        Sid: 'EbsGrantsForAttachedVolumes',
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: ['kms:CreateGrant'],
        Resource: '*',
        Condition: {
          StringEquals: { ...inAccount, 'kms:ViaService': `ec2.${region}.amazonaws.com` },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      },
      ...(this.readers.length > 0
        ? [
            {
              Sid: 'SecretReaders',
              Effect: 'Allow',
              Principal: { AWS: [...this.readers] },
              Action: ['kms:Decrypt'],
              Resource: '*',
              Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
            },
          ]
        : []),
      ...(this.writers.length > 0
        ? [
            {
              Sid: 'SecretRotation',
              Effect: 'Allow',
              Principal: { AWS: [...this.writers] },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Resource: '*',
              Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
            },
          ]
        : []),
      // Publishing to the encrypted alarm topic: SNS calls KMS with the topic's ARN as encryption context.
      {
        Sid: 'AlarmsPublishToTheTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { ...sourceAccount, [SNS_TOPIC_CONTEXT]: props.alarmTopicArn } },
      },
      // EventBridge's KMS requests for an encrypted topic target carry no aws:SourceAccount / aws:SourceArn (AWS
      // documents those keys as unsupported there): under such a condition every secret-read alert would be
      // dropped silently. The topic's encryption context scopes it instead.
      {
        Sid: 'EventsPublishToTheTopic',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { [SNS_TOPIC_CONTEXT]: props.alarmTopicArn } },
      },
    ];

    this.key = new KmsKey(this, 'key', {
      description: `credex ${props.environment}: log groups, secrets, EBS volumes and the alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: window,
      // Rendered at synth, after every construct has named its readers and writers.
      policy: Lazy.stringValue({
        produce: () => Fn.jsonencode({ Version: '2012-10-17', Statement: statements() }),
      }),
    });
    this.alias = new KmsAlias(this, 'alias', { name: props.aliasName, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }

  /** Lets a role decrypt the environment's secrets it reads (its IAM policy must name the secret and the key too). */
  public allowSecretRead(roleArn: string): void {
    this.readers.push(roleArn);
  }

  /** Lets a role read and write secret versions under the key (the rotation function). */
  public allowSecretWrite(roleArn: string): void {
    this.writers.push(roleArn);
  }
}
