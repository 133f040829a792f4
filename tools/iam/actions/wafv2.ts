/**
 * WAFv2: the environment's regional web ACL credex-<env>-*, its association with the environment's load balancer and
 * its logging to aws-waf-logs-credex-<env> (CloudWatch Logs' log delivery, which has no resource type).
 */
import { ServiceActions } from '../types';
import { arn, ENV_NAMES, star } from './arns';

const aclArns = [arn('wafv2', `regional/webacl/${ENV_NAMES}/*`)];
/** The AWS managed rule groups the ACL references (owned by AWS, so any account in the ARN). */
const managedRuleGroups = ['arn:{partition}:wafv2:{region}:*:regional/managedruleset/*'];
const loadBalancers = [arn('elasticloadbalancing', `loadbalancer/app/${ENV_NAMES}/*`)];

export const WAFV2: ServiceActions = {
  aws_wafv2_web_acl: {
    note: 'regional web ACL credex-<env>-* with AWS managed rule groups',
    names: { attributes: ['name', 'name_prefix'], patterns: [ENV_NAMES] },
    grants: [
      {
        sid: 'WebAcl',
        actions: [
          'wafv2:CreateWebACL',
          'wafv2:DeleteWebACL',
          'wafv2:GetWebACL',
          'wafv2:ListTagsForResource',
          'wafv2:TagResource',
          'wafv2:UntagResource',
          'wafv2:UpdateWebACL',
        ],
        resources: aclArns,
      },
      { sid: 'WebAclRuleGroups', actions: ['wafv2:CreateWebACL', 'wafv2:UpdateWebACL'], resources: managedRuleGroups },
    ],
  },
  aws_wafv2_web_acl_association: {
    note: 'the web ACL on the environment load balancer',
    grants: [
      {
        sid: 'WebAclAssociation',
        actions: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL', 'wafv2:GetWebACLForResource'],
        resources: [...aclArns, ...loadBalancers],
      },
      { sid: 'LoadBalancerWebAcl', actions: ['elasticloadbalancing:SetWebAcl'], resources: loadBalancers },
    ],
  },
  aws_wafv2_web_acl_logging_configuration: {
    note: 'WAF request logs to aws-waf-logs-credex-<env> through CloudWatch Logs log delivery',
    grants: [
      {
        sid: 'WebAcl',
        actions: ['wafv2:DeleteLoggingConfiguration', 'wafv2:GetLoggingConfiguration', 'wafv2:PutLoggingConfiguration'],
        resources: aclArns,
      },
      star('LogDelivery', ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeResourcePolicies']),
    ],
  },
};
