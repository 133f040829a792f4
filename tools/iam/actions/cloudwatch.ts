/** CloudWatch: the environment's alarms (credex-<env>-*) and dashboard (credex-<env>). */
import { alarmName, ANY, dashboardName, ENV } from '../../../contracts/naming';
import { ServiceActions } from '../types';
import { arn, ENV_NAMES } from './arns';

const alarms = alarmName(ANY, ENV);
const dashboards = [dashboardName(ENV), ENV_NAMES];

export const CLOUDWATCH: ServiceActions = {
  aws_cloudwatch_metric_alarm: {
    note: 'alarms credex-<env>-*',
    names: { attributes: ['alarm_name'], patterns: [alarms] },
    grants: [
      {
        sid: 'Alarm',
        actions: [
          'cloudwatch:PutMetricAlarm',
          'cloudwatch:DeleteAlarms',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:TagResource',
          'cloudwatch:UntagResource',
          'cloudwatch:ListTagsForResource',
        ],
        resources: [arn('cloudwatch', `alarm:${alarms}`)],
      },
    ],
  },
  aws_cloudwatch_dashboard: {
    note: 'dashboard credex-<env>',
    names: { attributes: ['dashboard_name'], patterns: dashboards },
    grants: [
      {
        sid: 'Dashboard',
        actions: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
        resources: dashboards.map((d) => `arn:{partition}:cloudwatch::{account}:dashboard/${d}`),
      },
    ],
  },
};
