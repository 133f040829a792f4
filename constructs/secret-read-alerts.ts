import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';

export interface SecretReadPatternInput {
  /**
   * The watched secrets by name or name prefix (`credex-core/staging/`, `neo4j_stage_secrets`): a caller may name a
   * secret by name or by ARN, so each matches anywhere in the secret id (a wildcard, one entry for both forms).
   */
  readonly secretNames: readonly string[];
  /** Roles (ARNs, with their path) whose reads are expected: the execution role, the Neo4j instance roles, the rotation. */
  readonly expectedRoleArns: readonly string[];
  /**
   * This environment's deployers, whose plans read back the secret versions Terraform owns (the Neo4j passwords,
   * the connection secret): those reads are expected; their reads of the secrets named here (which hold no
   * Terraform-owned version, e.g. the app secret) and any batch read still alert.
   * @default - deployers are unexpected readers like anyone else
   */
  readonly deployers?: {
    /** Deploy roles (ARNs with their path, as CloudTrail's sessionIssuer.arn gives them). */
    readonly roleArns: readonly string[];
    /** Key-based deployer users (ARNs with their path). */
    readonly userArns: readonly string[];
    /** Names or name prefixes of the secrets they never read (no Terraform-owned version), as secretNames. */
    readonly unexpectedSecretNames: readonly string[];
  };
}

/**
 * The EventBridge pattern of an unexpected secret read, on CloudTrail's "AWS API Call via CloudTrail" events:
 * GetSecretValue of a watched secret (by name or ARN), or any BatchGetSecretValue (the stack's principals never
 * batch), by anything but an expected role or, for the secrets Terraform reads at every plan, this environment's
 * deployers: an IAM user, the root user, a federated or AWS-service identity, a role session issued by another role.
 * Each list appears once (EventBridge's default quota is 2,048 characters per pattern): a branch per call, each
 * with the readers that make it unexpected.
 */
export function secretReadPattern(input: SecretReadPatternInput): Record<string, unknown> {
  if (input.secretNames.length === 0) throw new Error('secretReadPattern: no secret to watch');
  if (input.expectedRoleArns.length === 0) throw new Error('secretReadPattern: no expected role');
  const d = input.deployers ?? { roleArns: [], userArns: [], unexpectedSecretNames: [] };
  for (const name of [...input.secretNames, ...d.unexpectedSecretNames])
    if (/[*\\]/.test(name)) throw new Error(`secretReadPattern: secret name "${name}" holds a wildcard character`);
  const secretIds = (names: readonly string[]) => ({ secretId: names.map((n) => ({ wildcard: `*${n}*` })) });
  const otherKind = { type: [{ 'anything-but': ['AssumedRole', 'IAMUser'] }] };
  const roleNotIn = (arns: readonly string[]) => ({
    type: ['AssumedRole'],
    sessionContext: { sessionIssuer: { arn: [{ 'anything-but': [...arns] }] } },
  });
  const userNotIn = (arns: readonly string[]) => ({
    type: ['IAMUser'],
    ...(arns.length > 0 ? { arn: [{ 'anything-but': [...arns] }] } : {}),
  });
  const branches: Record<string, unknown>[] = [
    // A watched secret read by anyone but the workload roles and this environment's deployers.
    {
      eventName: ['GetSecretValue'],
      requestParameters: secretIds(input.secretNames),
      userIdentity: { $or: [otherKind, roleNotIn([...input.expectedRoleArns, ...d.roleArns]), userNotIn(d.userArns)] },
    },
    // Any batch read but a workload role's (no principal of the stacks batches; Terraform does not either).
    {
      eventName: ['BatchGetSecretValue'],
      userIdentity: { $or: [otherKind, roleNotIn(input.expectedRoleArns), { type: ['IAMUser'] }] },
    },
  ];
  const deployers = [
    ...(d.roleArns.length > 0
      ? [{ type: ['AssumedRole'], sessionContext: { sessionIssuer: { arn: [...d.roleArns] } } }]
      : []),
    ...(d.userArns.length > 0 ? [{ type: ['IAMUser'], arn: [...d.userArns] }] : []),
  ];
  // The deployers reading a secret Terraform holds no version of (their plans never do).
  if (d.unexpectedSecretNames.length > 0 && deployers.length > 0)
    branches.push({
      eventName: ['GetSecretValue'],
      requestParameters: secretIds(d.unexpectedSecretNames),
      userIdentity: { $or: deployers },
    });
  return {
    source: ['aws.secretsmanager'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['secretsmanager.amazonaws.com'], $or: branches },
  };
}

export interface SecretReadAlertsProps {
  /** Rule name, e.g. credex-staging-secret-reads. */
  readonly name: string;
  readonly environment: string;
  readonly pattern: SecretReadPatternInput;
  /** Where the alert goes: the environment's alarm topic. */
  readonly topic: AlarmTopic;
}

/**
 * Alerts on the environment's alarm topic when one of its secrets is read by an unexpected principal, within about
 * a minute of the call: an EventBridge rule on the default bus matching CloudTrail's management events, including
 * the read-only ones (state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS; CloudTrail delivers them to EventBridge
 * only while a trail logs management events: the `global` stack's trail). EventBridge rules on AWS events cost
 * nothing; the trail's first copy of management events is free (its S3 storage is not).
 */
export class SecretReadAlerts extends Construct {
  public readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: SecretReadAlertsProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.name,
      description: `Unexpected reads of the credex ${props.environment} secrets (GetSecretValue, BatchGetSecretValue)`,
      eventPattern: Fn.jsonencode(secretReadPattern(props.pattern)),
      state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    });
    new CloudwatchEventTarget(this, 'to-alarm-topic', {
      rule: this.rule.name,
      targetId: 'alarm-topic',
      arn: props.topic.topic.arn,
      inputTransformer: {
        inputPaths: {
          event: '$.detail.eventName',
          secretId: '$.detail.requestParameters.secretId',
          who: '$.detail.userIdentity.arn',
          kind: '$.detail.userIdentity.type',
          ip: '$.detail.sourceIPAddress',
          time: '$.time',
        },
        inputTemplate: `"credex ${props.environment}: unexpected secret read. <event> of <secretId> by <who> (<kind>) from <ip> at <time>. If nobody expected it, see docs/deployer-guide.md, section Secret-read alerts."`,
      },
    });
    props.topic.allowEventRule(this.rule.arn);
  }
}
