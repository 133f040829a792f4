import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';

export interface SecretReadPatternInput {
  /**
   * How callers may name the watched secrets: names or name prefixes (`credex-core/staging/`) and ARN prefixes
   * (`arn:aws:secretsmanager:af-south-1:123456789012:secret:credex-core/staging/`).
   */
  readonly secretIdPrefixes: readonly string[];
  /** Roles (ARNs, no path) whose reads are expected: the execution role, the Neo4j instance roles, the rotation. */
  readonly expectedRoleArns: readonly string[];
}

/**
 * The EventBridge pattern of an unexpected secret read, on CloudTrail's "AWS API Call via CloudTrail" events:
 * GetSecretValue of a watched secret (by name or ARN), or any BatchGetSecretValue (the stack's principals never
 * batch), by anything but an expected role: an IAM user, the root user, a federated or AWS-service identity
 * (userIdentity.type other than AssumedRole), or a role session issued by another role.
 */
export function secretReadPattern(input: SecretReadPatternInput): Record<string, unknown> {
  if (input.secretIdPrefixes.length === 0) throw new Error('secretReadPattern: no secret to watch');
  if (input.expectedRoleArns.length === 0) throw new Error('secretReadPattern: no expected role');
  return {
    source: ['aws.secretsmanager'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['secretsmanager.amazonaws.com'],
      eventName: ['GetSecretValue', 'BatchGetSecretValue'],
      $or: [
        { requestParameters: { secretId: input.secretIdPrefixes.map((p) => ({ prefix: p })) } },
        { eventName: ['BatchGetSecretValue'] },
      ],
      userIdentity: {
        $or: [
          { type: [{ 'anything-but': ['AssumedRole'] }] },
          { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': [...input.expectedRoleArns] }] } } },
        ],
      },
    },
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
