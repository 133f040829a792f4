/** CloudWatch Logs: the environment's log groups /ecs/credex-*-<env>, /vpc/credex-<env>/*, /credex/<env>/*. */
import { ANY, ENV, ecsLogGroupName, envLogGroupName, envPrefix, vpcLogGroupName } from '../../../contracts/naming';
import { ServiceActions } from '../types';
import { arn, ENV_SUFFIXED_NAMES, star } from './arns';

const logGroups = [
  ecsLogGroupName(ENV_SUFFIXED_NAMES),
  vpcLogGroupName(envPrefix(ENV), ANY),
  envLogGroupName(ANY, ENV),
];

export const LOGS: ServiceActions = {
  aws_cloudwatch_log_group: {
    note: 'log groups /ecs/credex-*-<env>, /vpc/credex-<env>/*, /credex/<env>/* with retention',
    names: { attributes: ['name', 'name_prefix'], patterns: logGroups },
    grants: [
      {
        sid: 'LogGroup',
        actions: [
          'logs:CreateLogGroup',
          'logs:DeleteLogGroup',
          'logs:PutRetentionPolicy',
          'logs:DeleteRetentionPolicy',
          'logs:TagResource',
          'logs:UntagResource',
          'logs:ListTagsForResource',
          'logs:ListTagsLogGroup',
          'logs:TagLogGroup',
          'logs:UntagLogGroup',
        ],
        resources: logGroups.flatMap((g) => [arn('logs', `log-group:${g}`), arn('logs', `log-group:${g}:*`)]),
      },
      star('LogsRead', ['logs:DescribeLogGroups']),
    ],
    // Workload roles write their log streams.
    boundaryArns: logGroups.map((g) => arn('logs', `log-group:${g}:*`)),
  },
};
