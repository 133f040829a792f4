import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { alarmName, dashboardName } from '../contracts/naming';

export interface MonitoringProps {
  readonly environment: string;
  readonly region: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** ARN suffixes (`app/...`, `targetgroup/...`) used as CloudWatch dimensions. */
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  /**
   * The blue/green alternate target group: unhealthy targets in either group raise the alarm (green lives in the
   * alternate group during a deployment).
   * @default - the one target group
   */
  readonly alternateTargetGroupArnSuffix?: string;
  /** Where the alarms notify. */
  readonly alarmTopicArn: string;
  /**
   * The VPC flow-log group and the daily ingestion (bytes) above which its alarm notifies.
   * @default - no flow-log ingestion alarm
   */
  readonly flowLogs?: { readonly logGroupName: string; readonly dailyIngestBytes: number };
}

/** The API's alarms (CPU, memory, running < desired, 5xx, unhealthy targets) and a small dashboard. */
export class Monitoring extends Construct {
  /**
   * The alarms a deployment watches and rolls back on (5xx, unhealthy targets, running below desired): the service
   * lists their names in its deployment `alarms`. They refer to the cluster, service and target groups by name, never
   * to the service resource, so the service can depend on them.
   */
  public readonly deploymentAlarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const env = props.environment;
    const service = { ClusterName: props.clusterName, ServiceName: props.serviceName };
    const alarm = (name: string, spec: Omit<ConstructorParameters<typeof CloudwatchMetricAlarm>[2], 'alarmName'>) =>
      new CloudwatchMetricAlarm(this, name, {
        alarmName: alarmName(name, env),
        alarmActions: [props.alarmTopicArn],
        okActions: [props.alarmTopicArn],
        ...spec,
      });

    alarm('api-cpu-high', {
      alarmDescription: 'API CPU above 85% for 10 minutes',
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions: service,
      statistic: 'Average',
      period: 300,
      evaluationPeriods: 2,
      threshold: 85,
      comparisonOperator: 'GreaterThanThreshold',
    });
    alarm('api-memory-high', {
      alarmDescription: 'API memory above 85% for 10 minutes',
      namespace: 'AWS/ECS',
      metricName: 'MemoryUtilization',
      dimensions: service,
      statistic: 'Average',
      period: 300,
      evaluationPeriods: 2,
      threshold: 85,
      comparisonOperator: 'GreaterThanThreshold',
    });
    const runningBelowDesired = alarm('api-running-below-desired', {
      alarmDescription: 'Fewer API tasks running than desired for 5 minutes',
      comparisonOperator: 'LessThanThreshold',
      threshold: 0,
      evaluationPeriods: 5,
      // A deployment rollback alarm: Container Insights publishes nothing until the service's first tasks run, so
      // "breaching" would fail the very first deployment. A running service always reports its counts.
      treatMissingData: 'notBreaching',
      metricQuery: [
        { id: 'shortfall', expression: 'running - desired', label: 'running - desired', returnData: true },
        {
          id: 'running',
          metric: {
            namespace: 'ECS/ContainerInsights',
            metricName: 'RunningTaskCount',
            dimensions: service,
            period: 60,
            stat: 'Average',
          },
        },
        {
          id: 'desired',
          metric: {
            namespace: 'ECS/ContainerInsights',
            metricName: 'DesiredTaskCount',
            dimensions: service,
            period: 60,
            stat: 'Average',
          },
        },
      ],
    });
    const errors5xx = alarm('alb-5xx', {
      alarmDescription: 'Load balancer or target 5xx responses above 10 in 5 minutes',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 10,
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
      metricQuery: [
        { id: 'errors', expression: 'FILL(elb, 0) + FILL(target, 0)', label: '5xx', returnData: true },
        {
          id: 'elb',
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName: 'HTTPCode_ELB_5XX_Count',
            dimensions: { LoadBalancer: props.loadBalancerArnSuffix },
            period: 300,
            stat: 'Sum',
          },
        },
        {
          id: 'target',
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName: 'HTTPCode_Target_5XX_Count',
            dimensions: { LoadBalancer: props.loadBalancerArnSuffix },
            period: 300,
            stat: 'Sum',
          },
        },
      ],
    });
    const unhealthyTargets = props.alternateTargetGroupArnSuffix
      ? alarm('unhealthy-targets', {
          alarmDescription: 'At least one API target unhealthy for 3 minutes (either blue/green target group)',
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
          evaluationPeriods: 3,
          treatMissingData: 'notBreaching',
          metricQuery: [
            {
              id: 'unhealthy',
              expression: 'MAX([FILL(primary, 0), FILL(alternate, 0)])',
              label: 'unhealthy',
              returnData: true,
            },
            ...(
              [
                ['primary', props.targetGroupArnSuffix],
                ['alternate', props.alternateTargetGroupArnSuffix],
              ] as const
            ).map(([queryId, targetGroup]) => ({
              id: queryId,
              metric: {
                namespace: 'AWS/ApplicationELB',
                metricName: 'UnHealthyHostCount',
                dimensions: { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: targetGroup },
                period: 60,
                stat: 'Maximum',
              },
            })),
          ],
        })
      : alarm('unhealthy-targets', {
          alarmDescription: 'At least one API target unhealthy for 3 minutes',
          namespace: 'AWS/ApplicationELB',
          metricName: 'UnHealthyHostCount',
          dimensions: { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: props.targetGroupArnSuffix },
          statistic: 'Maximum',
          period: 60,
          evaluationPeriods: 3,
          threshold: 0,
          comparisonOperator: 'GreaterThanThreshold',
        });
    this.deploymentAlarms = [errors5xx, unhealthyTargets, runningBelowDesired];

    // What flow logs cost grows with the number of flows (internet scans, a DDoS, a chatty client), not with the
    // API's requests: a day's ingestion above the configured size notifies before the bill does.
    if (props.flowLogs) {
      alarm('flow-log-ingest-high', {
        alarmDescription: `VPC flow logs ingested more than ${props.flowLogs.dailyIngestBytes} bytes in a day`,
        namespace: 'AWS/Logs',
        metricName: 'IncomingBytes',
        dimensions: { LogGroupName: props.flowLogs.logGroupName },
        statistic: 'Sum',
        period: 86400,
        evaluationPeriods: 1,
        threshold: props.flowLogs.dailyIngestBytes,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      });
    }

    const widget = (title: string, metrics: unknown[][], x: number, y: number) => ({
      type: 'metric',
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: props.region, stat: 'Average', period: 300, metrics },
    });
    new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: dashboardName(env),
      dashboardBody: Fn.jsonencode({
        widgets: [
          widget(
            'API CPU and memory (%)',
            [
              ['AWS/ECS', 'CPUUtilization', 'ClusterName', props.clusterName, 'ServiceName', props.serviceName],
              ['AWS/ECS', 'MemoryUtilization', 'ClusterName', props.clusterName, 'ServiceName', props.serviceName],
            ],
            0,
            0,
          ),
          widget(
            'Tasks running vs desired',
            [
              [
                'ECS/ContainerInsights',
                'RunningTaskCount',
                'ClusterName',
                props.clusterName,
                'ServiceName',
                props.serviceName,
              ],
              [
                'ECS/ContainerInsights',
                'DesiredTaskCount',
                'ClusterName',
                props.clusterName,
                'ServiceName',
                props.serviceName,
              ],
            ],
            12,
            0,
          ),
          widget(
            'Requests and 5xx',
            [
              ['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', props.loadBalancerArnSuffix, { stat: 'Sum' }],
              [
                'AWS/ApplicationELB',
                'HTTPCode_Target_5XX_Count',
                'LoadBalancer',
                props.loadBalancerArnSuffix,
                { stat: 'Sum' },
              ],
            ],
            0,
            6,
          ),
          widget(
            'Target response time (s)',
            [
              [
                'AWS/ApplicationELB',
                'TargetResponseTime',
                'LoadBalancer',
                props.loadBalancerArnSuffix,
                { stat: 'p95' },
              ],
            ],
            12,
            6,
          ),
        ],
      }),
    });
  }
}
