import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { alarmName, alarmTopicName, ANY } from '../contracts/naming';

export interface AlarmTopicProps {
  readonly environment: string;
  /**
   * Subscribed to the topic.
   * @default - no subscription (the topic still exists for other subscribers)
   */
  readonly email?: string;
  /**
   * Customer-managed KMS key of the topic; its key policy must let CloudWatch alarms and EventBridge use it.
   * @default - not encrypted
   */
  readonly kmsKeyArn?: string;
}

/**
 * The environment's alarm topic: every alarm of the stack (API, load balancer, Neo4j hosts) notifies it.
 * Encrypted with the environment's customer-managed key when given (CloudWatch alarms cannot publish to a topic
 * under the AWS-managed SNS key, so it is the CMK or nothing; the CMK's policy lets alarms and EventBridge use it).
 */
export class AlarmTopic extends Construct {
  public readonly topic: SnsTopic;
  private readonly environment: string;
  private policy?: SnsTopicPolicy;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.environment = props.environment;
    this.topic = new SnsTopic(this, 'topic', {
      name: alarmTopicName(props.environment),
      kmsMasterKeyId: props.kmsKeyArn,
    });
    if (props.email) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email))
        throw new Error(`AlarmTopic ${id}: email "${props.email}" is not an e-mail address`);
      new SnsTopicSubscription(this, 'email', { topicArn: this.topic.arn, protocol: 'email', endpoint: props.email });
    }
  }

  /**
   * Lets one EventBridge rule publish to the topic. This sets the topic's policy, which then also names the
   * environment's CloudWatch alarms (same account, names credex-<env>-*) as publishers: the two services that use it.
   */
  public allowEventRule(ruleArn: string): void {
    if (this.policy) throw new Error(`AlarmTopic ${this.node.id}: allowEventRule is called once per topic`);
    const account = Fn.element(Fn.split(':', this.topic.arn), 4);
    this.policy = new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EnvironmentAlarms',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: this.topic.arn,
            Condition: {
              StringEquals: { 'aws:SourceAccount': account },
              ArnLike: { 'aws:SourceArn': `arn:*:cloudwatch:*:${account}:alarm:${alarmName(ANY, this.environment)}` },
            },
          },
          {
            Sid: 'SecretReadAlerts',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: this.topic.arn,
            Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
          },
        ],
      }),
    });
  }
}
