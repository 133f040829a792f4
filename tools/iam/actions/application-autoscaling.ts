/** Application Auto Scaling: the API service's scalable target and its target-tracking policy. */
import { ServiceActions } from '../types';
import { arn, ENV_SUFFIXED_NAMES, star } from './arns';
import { ECS_SERVICE_ARNS } from './ecs';

const scalableTargetArns = [arn('application-autoscaling', 'scalable-target/*')];

export const APPLICATION_AUTOSCALING: ServiceActions = {
  aws_appautoscaling_target: {
    note: 'scalable target of the ECS service: registered with tags, changed by tag',
    grants: [
      {
        sid: 'ScalingCreate',
        actions: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:TagResource'],
        resources: scalableTargetArns,
        condition: 'request-tag',
      },
      {
        sid: 'ScalingChange',
        actions: [
          'application-autoscaling:RegisterScalableTarget',
          'application-autoscaling:DeregisterScalableTarget',
          'application-autoscaling:TagResource',
          'application-autoscaling:UntagResource',
          'application-autoscaling:ListTagsForResource',
        ],
        resources: scalableTargetArns,
        condition: 'resource-tag',
      },
      star('ScalingRead', ['application-autoscaling:DescribeScalableTargets']),
      { sid: 'EcsService', actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: ECS_SERVICE_ARNS },
    ],
    serviceLinkedRoles: [
      {
        service: 'ecs.application-autoscaling.amazonaws.com',
        roleName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
      },
    ],
  },
  aws_appautoscaling_policy: {
    note: 'target-tracking policy on the tagged scalable target (AWS creates its alarms)',
    names: { attributes: ['name'], patterns: [ENV_SUFFIXED_NAMES] },
    grants: [
      {
        sid: 'ScalingChange',
        actions: ['application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy'],
        resources: scalableTargetArns,
        condition: 'resource-tag',
      },
      star('ScalingRead', ['application-autoscaling:DescribeScalingPolicies']),
    ],
  },
};
