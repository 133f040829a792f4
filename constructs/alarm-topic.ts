import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { alarmTopicName } from '../contracts/naming';

export interface AlarmTopicProps {
  readonly environment: string;
  /**
   * Subscribed to the topic.
   * @default - no subscription (the topic still exists for other subscribers)
   */
  readonly email?: string;
}

/**
 * The environment's alarm topic: every alarm of the stack (API, load balancer, Neo4j hosts) notifies it.
 * Not KMS-encrypted on purpose: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key,
 * and alarm notifications carry no secrets.
 */
export class AlarmTopic extends Construct {
  public readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, 'topic', { name: alarmTopicName(props.environment) });
    if (props.email) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email))
        throw new Error(`AlarmTopic ${id}: email "${props.email}" is not an e-mail address`);
      new SnsTopicSubscription(this, 'email', { topicArn: this.topic.arn, protocol: 'email', endpoint: props.email });
    }
  }
}
