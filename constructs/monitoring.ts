import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly environment: string;
  readonly region: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** ARN suffixes (`app/...`, `targetgroup/...`) used as CloudWatch dimensions. */
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  /**
   * Subscribed to the alarm topic.
   * @default - no subscription (the topic still exists for other subscribers)
   */
  readonly alarmEmail?: string;
}

/**
 * The environment's alarm topic, the API's alarms (CPU, memory, running < desired, 5xx, unhealthy targets)
 * and a small dashboard. Other constructs (the Neo4j hosts) add their alarms to `topic`.
 */
export class Monitoring extends Construct {
  /**
   * Not KMS-encrypted on purpose: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key,
   * and alarm notifications carry no secrets.
   */
  public readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const env = props.environment;
    this.topic = new SnsTopic(this, 'alarms', { name: `credex-alarms-${env}` });
    if (props.alarmEmail) {
      new SnsTopicSubscription(this, 'alarm-email', { topicArn: this.topic.arn, protocol: 'email', endpoint: props.alarmEmail });
    }
    const service = { ClusterName: props.clusterName, ServiceName: props.serviceName };
    const alarm = (name: string, spec: Omit<ConstructorParameters<typeof CloudwatchMetricAlarm>[2], 'alarmName'>) =>
      new CloudwatchMetricAlarm(this, name, {
        alarmName: `credex-${env}-${name}`,
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
        ...spec,
      });

    alarm('api-cpu-high', {
      alarmDescription: 'API CPU above 85% for 10 minutes',
      namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: service,
      statistic: 'Average', period: 300, evaluationPeriods: 2, threshold: 85, comparisonOperator: 'GreaterThanThreshold',
    });
    alarm('api-memory-high', {
      alarmDescription: 'API memory above 85% for 10 minutes',
      namespace: 'AWS/ECS', metricName: 'MemoryUtilization', dimensions: service,
      statistic: 'Average', period: 300, evaluationPeriods: 2, threshold: 85, comparisonOperator: 'GreaterThanThreshold',
    });
    alarm('api-running-below-desired', {
      alarmDescription: 'Fewer API tasks running than desired for 5 minutes',
      comparisonOperator: 'LessThanThreshold', threshold: 0, evaluationPeriods: 5, treatMissingData: 'breaching',
      metricQuery: [
        { id: 'shortfall', expression: 'running - desired', label: 'running - desired', returnData: true },
        { id: 'running', metric: { namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensions: service, period: 60, stat: 'Average' } },
        { id: 'desired', metric: { namespace: 'ECS/ContainerInsights', metricName: 'DesiredTaskCount', dimensions: service, period: 60, stat: 'Average' } },
      ],
    });
    alarm('alb-5xx', {
      alarmDescription: 'Load balancer or target 5xx responses above 10 in 5 minutes',
      comparisonOperator: 'GreaterThanThreshold', threshold: 10, evaluationPeriods: 1, treatMissingData: 'notBreaching',
      metricQuery: [
        { id: 'errors', expression: 'FILL(elb, 0) + FILL(target, 0)', label: '5xx', returnData: true },
        { id: 'elb', metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_ELB_5XX_Count', dimensions: { LoadBalancer: props.loadBalancerArnSuffix }, period: 300, stat: 'Sum' } },
        { id: 'target', metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: { LoadBalancer: props.loadBalancerArnSuffix }, period: 300, stat: 'Sum' } },
      ],
    });
    alarm('unhealthy-targets', {
      alarmDescription: 'At least one API target unhealthy for 3 minutes',
      namespace: 'AWS/ApplicationELB', metricName: 'UnHealthyHostCount',
      dimensions: { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: props.targetGroupArnSuffix },
      statistic: 'Maximum', period: 60, evaluationPeriods: 3, threshold: 0, comparisonOperator: 'GreaterThanThreshold',
    });

    const widget = (title: string, metrics: unknown[][], x: number, y: number) => ({
      type: 'metric', x, y, width: 12, height: 6,
      properties: { title, region: props.region, stat: 'Average', period: 300, metrics },
    });
    new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: `credex-${env}`,
      dashboardBody: Fn.jsonencode({
        widgets: [
          widget('API CPU and memory (%)', [
            ['AWS/ECS', 'CPUUtilization', 'ClusterName', props.clusterName, 'ServiceName', props.serviceName],
            ['AWS/ECS', 'MemoryUtilization', 'ClusterName', props.clusterName, 'ServiceName', props.serviceName],
          ], 0, 0),
          widget('Tasks running vs desired', [
            ['ECS/ContainerInsights', 'RunningTaskCount', 'ClusterName', props.clusterName, 'ServiceName', props.serviceName],
            ['ECS/ContainerInsights', 'DesiredTaskCount', 'ClusterName', props.clusterName, 'ServiceName', props.serviceName],
          ], 12, 0),
          widget('Requests and 5xx', [
            ['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', props.loadBalancerArnSuffix, { stat: 'Sum' }],
            ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'LoadBalancer', props.loadBalancerArnSuffix, { stat: 'Sum' }],
          ], 0, 6),
          widget('Target response time (s)', [
            ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', props.loadBalancerArnSuffix, { stat: 'p95' }],
          ], 12, 6),
        ],
      }),
    });
  }
}
