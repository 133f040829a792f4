/** CloudWatch Logs: the environment's log groups /ecs/credex-*-<env>, /vpc/credex-<env>/*, /credex/<env>/*. */
import {
  ANY,
  ENV,
  ecsLogGroupName,
  envLogGroupName,
  envPrefix,
  lambdaLogGroupName,
  vpcLogGroupName,
  wafLogGroupName,
} from '../../../contracts/naming';
import { ServiceActions } from '../types';
import { arn, ENV_NAMES, ENV_SUFFIXED_NAMES, star } from './arns';

/** The environment's log groups (name globs); the runbook's log reads use the same list (workflow.ts). */
export const LOG_GROUPS = [
  ecsLogGroupName(ENV_SUFFIXED_NAMES),
  vpcLogGroupName(envPrefix(ENV), ANY),
  envLogGroupName(ANY, ENV),
  lambdaLogGroupName(ENV_NAMES),
  wafLogGroupName(ENV),
];

export const LOGS: ServiceActions = {
  aws_cloudwatch_log_group: {
    note: 'log groups /ecs/credex-*-<env>, /vpc/credex-<env>/*, /credex/<env>/* with retention',
    names: { attributes: ['name', 'name_prefix'], patterns: LOG_GROUPS },
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
          'logs:AssociateKmsKey',
          'logs:DisassociateKmsKey',
        ],
        resources: LOG_GROUPS.flatMap((g) => [arn('logs', `log-group:${g}`), arn('logs', `log-group:${g}:*`)]),
      },
      star('LogsRead', ['logs:DescribeLogGroups']),
    ],
    // Workload roles write their log streams.
    boundaryArns: LOG_GROUPS.map((g) => arn('logs', `log-group:${g}:*`)),
  },
  aws_cloudwatch_log_resource_policy: {
    note: 'the log delivery policy credex-<env>-* that lets WAF write its log group (account-level: no resource type)',
    names: { attributes: ['policy_name'], patterns: [ENV_NAMES] },
    grants: [
      star('LogResourcePolicy', [
        'logs:DeleteResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:PutResourcePolicy',
      ]),
    ],
  },
};
