/** ECS: the API's cluster, task definition family and Fargate service, named credex-*-<env>. */
import { ServiceActions, ServiceLinkedRole } from '../types';
import { arn, ENV_SUFFIXED_NAMES, star } from './arns';

/** The environment's ECS services (in its clusters): also rolled out by the deploy workflow. */
export const ECS_SERVICE_ARNS = [arn('ecs', `service/${ENV_SUFFIXED_NAMES}/${ENV_SUFFIXED_NAMES}`)];
/** The tasks and container instances of the environment's clusters (the deploy workflow and verify read them). */
export const ECS_TASK_ARNS = [arn('ecs', `task/${ENV_SUFFIXED_NAMES}/*`)];
export const ECS_CONTAINER_INSTANCE_ARNS = [arn('ecs', `container-instance/${ENV_SUFFIXED_NAMES}/*`)];
const clusterArns = [arn('ecs', `cluster/${ENV_SUFFIXED_NAMES}`)];
const taskDefinitionArns = [arn('ecs', `task-definition/${ENV_SUFFIXED_NAMES}:*`)];
const ecsServiceLinkedRole: ServiceLinkedRole = { service: 'ecs.amazonaws.com', roleName: 'AWSServiceRoleForECS' };

export const ECS: ServiceActions = {
  aws_ecs_cluster: {
    note: 'cluster credex-*-<env> with Container Insights',
    names: { attributes: ['name'], patterns: [ENV_SUFFIXED_NAMES] },
    grants: [
      {
        sid: 'EcsCluster',
        actions: [
          'ecs:CreateCluster',
          'ecs:DeleteCluster',
          'ecs:UpdateCluster',
          'ecs:UpdateClusterSettings',
          'ecs:PutClusterCapacityProviders',
          'ecs:DescribeClusters',
          'ecs:TagResource',
          'ecs:UntagResource',
          'ecs:ListTagsForResource',
        ],
        resources: clusterArns,
      },
    ],
    serviceLinkedRoles: [ecsServiceLinkedRole],
  },
  aws_ecs_task_definition: {
    note: 'registers the family credex-*-<env> (ARN and request tags); passes the task and execution roles to ECS tasks',
    names: { attributes: ['family'], patterns: [ENV_SUFFIXED_NAMES] },
    grants: [
      {
        sid: 'EcsTaskDefinitionRegister',
        actions: ['ecs:RegisterTaskDefinition'],
        resources: taskDefinitionArns,
        condition: 'request-tag',
      },
      star('EcsTaskDefinitionRead', ['ecs:DescribeTaskDefinition', 'ecs:DeregisterTaskDefinition']),
      {
        sid: 'EcsTaskDefinitionTags',
        actions: ['ecs:TagResource', 'ecs:ListTagsForResource'],
        resources: taskDefinitionArns,
      },
    ],
    passesRoles: [
      { attribute: 'execution_role_arn', service: 'ecs-tasks.amazonaws.com' },
      { attribute: 'task_role_arn', service: 'ecs-tasks.amazonaws.com' },
    ],
  },
  aws_ecs_service: {
    note: 'Fargate service credex-*-<env> in its cluster, behind the ALB target group',
    names: { attributes: ['name'], patterns: [ENV_SUFFIXED_NAMES] },
    grants: [
      {
        sid: 'EcsService',
        actions: [
          'ecs:CreateService',
          'ecs:UpdateService',
          'ecs:DeleteService',
          'ecs:DescribeServices',
          'ecs:TagResource',
          'ecs:UntagResource',
          'ecs:ListTagsForResource',
        ],
        resources: ECS_SERVICE_ARNS,
      },
    ],
    serviceLinkedRoles: [ecsServiceLinkedRole],
    // Blue/green (ECS native): the infrastructure role ECS shifts listener rules and target groups with.
    passesRoles: [{ attribute: 'load_balancer.advanced_configuration.role_arn', service: 'ecs.amazonaws.com' }],
  },
};
