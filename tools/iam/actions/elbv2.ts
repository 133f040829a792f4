/** Elastic Load Balancing v2: the environment's ALB, its target group and listeners, named credex-<env>-*. */
import { ServiceActions } from '../types';
import { arn, ENV_NAMES, star } from './arns';

const lbArns = [arn('elasticloadbalancing', `loadbalancer/app/${ENV_NAMES}/*`)];
const tgArns = [arn('elasticloadbalancing', `targetgroup/${ENV_NAMES}/*`)];
const listenerArns = [
  arn('elasticloadbalancing', `listener/app/${ENV_NAMES}/*/*`),
  arn('elasticloadbalancing', `listener-rule/app/${ENV_NAMES}/*/*/*`),
];

export const ELBV2: ServiceActions = {
  'data.aws_elb_service_account': { note: 'a table inside the provider; no AWS call', grants: [] },
  aws_lb: {
    note: 'ALB named credex-<env>-*: create (tagged), attributes, subnets, security groups',
    names: { attributes: ['name', 'name_prefix'], patterns: [ENV_NAMES] },
    grants: [
      {
        sid: 'LoadBalancer',
        actions: [
          'elasticloadbalancing:CreateLoadBalancer',
          'elasticloadbalancing:DeleteLoadBalancer',
          'elasticloadbalancing:ModifyLoadBalancerAttributes',
          'elasticloadbalancing:SetSecurityGroups',
          'elasticloadbalancing:SetSubnets',
          'elasticloadbalancing:SetIpAddressType',
          'elasticloadbalancing:AddTags',
          'elasticloadbalancing:RemoveTags',
        ],
        resources: lbArns,
      },
      star('LoadBalancerRead', [
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeCapacityReservation',
        'elasticloadbalancing:DescribeListeners',
      ]),
      star('Ec2Read', [
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeVpcs',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeNetworkInterfaces',
      ]),
    ],
    serviceLinkedRoles: [
      { service: 'elasticloadbalancing.amazonaws.com', roleName: 'AWSServiceRoleForElasticLoadBalancing' },
    ],
  },
  aws_lb_target_group: {
    note: 'target group named credex-<env>-*',
    // the blue/green infrastructure role registers tasks in the environment's target groups
    boundaryArns: tgArns,
    names: { attributes: ['name', 'name_prefix'], patterns: [ENV_NAMES] },
    grants: [
      {
        sid: 'TargetGroup',
        actions: [
          'elasticloadbalancing:CreateTargetGroup',
          'elasticloadbalancing:DeleteTargetGroup',
          'elasticloadbalancing:ModifyTargetGroup',
          'elasticloadbalancing:ModifyTargetGroupAttributes',
          'elasticloadbalancing:AddTags',
          'elasticloadbalancing:RemoveTags',
        ],
        resources: tgArns,
      },
      star('LoadBalancerRead', [
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTargetHealth',
      ]),
    ],
  },
  aws_lb_listener: {
    note: 'listeners of a credex-<env>-* load balancer forwarding to its target groups',
    // the blue/green infrastructure role shifts traffic on the environment's listeners
    boundaryArns: [listenerArns[0]],
    grants: [
      {
        sid: 'Listener',
        actions: [
          'elasticloadbalancing:CreateListener',
          'elasticloadbalancing:DeleteListener',
          'elasticloadbalancing:ModifyListener',
          'elasticloadbalancing:ModifyListenerAttributes',
          'elasticloadbalancing:AddTags',
          'elasticloadbalancing:RemoveTags',
        ],
        resources: [...lbArns, ...listenerArns, ...tgArns],
      },
      star('LoadBalancerRead', [
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTags',
      ]),
    ],
  },
  aws_lb_listener_rule: {
    note: 'rules of those listeners (the blue/green production and test rules, weighted over both target groups)',
    boundaryArns: [listenerArns[1]],
    grants: [
      {
        sid: 'ListenerRule',
        actions: [
          'elasticloadbalancing:CreateRule',
          'elasticloadbalancing:DeleteRule',
          'elasticloadbalancing:ModifyRule',
          'elasticloadbalancing:SetRulePriorities',
          'elasticloadbalancing:AddTags',
          'elasticloadbalancing:RemoveTags',
        ],
        resources: [...listenerArns, ...tgArns],
      },
      star('LoadBalancerRead', ['elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTags']),
    ],
  },
};
