/** EventBridge: the environment's rules credex-<env>-* on the default bus (the secret-read alerts) and their targets. */
import { ServiceActions } from '../types';
import { arn, ENV_NAMES } from './arns';

const ruleArns = [arn('events', `rule/${ENV_NAMES}`)];

export const EVENTS: ServiceActions = {
  aws_cloudwatch_event_rule: {
    note: 'rules credex-<env>-* on the default event bus',
    names: { attributes: ['name', 'name_prefix'], patterns: [ENV_NAMES] },
    grants: [
      {
        sid: 'EventRule',
        actions: [
          'events:DeleteRule',
          'events:DescribeRule',
          'events:DisableRule',
          'events:EnableRule',
          'events:ListTagsForResource',
          'events:PutRule',
          'events:TagResource',
          'events:UntagResource',
        ],
        resources: ruleArns,
      },
    ],
  },
  aws_cloudwatch_event_target: {
    note: 'targets of the credex-<env>-* rules (the alarm topic)',
    grants: [
      {
        sid: 'EventRule',
        actions: ['events:ListTargetsByRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: ruleArns,
      },
    ],
  },
};
