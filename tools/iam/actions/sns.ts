/** SNS: the environment's alarm topic (credex-*-<env>) and its e-mail subscription. */
import { ServiceActions } from '../types';
import { arn, ENV_SUFFIXED_NAMES } from './arns';

const topicArns = [arn('sns', ENV_SUFFIXED_NAMES), arn('sns', `${ENV_SUFFIXED_NAMES}:*`)];

export const SNS: ServiceActions = {
  aws_sns_topic: {
    note: 'alarm topic credex-*-<env>',
    names: { attributes: ['name', 'name_prefix'], patterns: [ENV_SUFFIXED_NAMES] },
    grants: [
      {
        sid: 'Topic',
        actions: [
          'sns:CreateTopic',
          'sns:DeleteTopic',
          'sns:GetTopicAttributes',
          'sns:SetTopicAttributes',
          'sns:TagResource',
          'sns:UntagResource',
          'sns:ListTagsForResource',
        ],
        resources: topicArns,
      },
    ],
  },
  aws_sns_topic_policy: {
    note: 'who may publish to the alarm topic (its alarms, the secret-read rule)',
    grants: [{ sid: 'Topic', actions: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes'], resources: topicArns }],
  },
  aws_sns_topic_subscription: {
    note: 'e-mail subscription on the credex topic',
    grants: [
      {
        sid: 'Topic',
        actions: [
          'sns:Subscribe',
          'sns:Unsubscribe',
          'sns:GetSubscriptionAttributes',
          'sns:SetSubscriptionAttributes',
          'sns:ListSubscriptionsByTopic',
        ],
        resources: topicArns,
      },
    ],
  },
};
