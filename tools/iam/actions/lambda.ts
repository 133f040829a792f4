/** Lambda: the environment's functions credex-<env>-* (the Neo4j password rotation) and their invoke permissions. */
import { ServiceActions } from '../types';
import { arn, ENV_NAMES, star } from './arns';

const functionArns = [arn('lambda', `function:${ENV_NAMES}`)];

export const LAMBDA: ServiceActions = {
  aws_lambda_function: {
    note: 'functions credex-<env>-* in the private subnets (the Neo4j password rotation)',
    names: { attributes: ['function_name'], patterns: [ENV_NAMES] },
    grants: [
      {
        sid: 'Function',
        actions: [
          'lambda:CreateFunction',
          'lambda:DeleteFunction',
          'lambda:GetFunction',
          'lambda:GetFunctionCodeSigningConfig',
          'lambda:GetFunctionConfiguration',
          'lambda:GetFunctionRecursionConfig',
          'lambda:GetRuntimeManagementConfig',
          'lambda:ListTags',
          'lambda:ListVersionsByFunction',
          'lambda:TagResource',
          'lambda:UntagResource',
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
        ],
        resources: functionArns,
      },
      // Lambda checks the VPC configuration with the caller's credentials.
      star('LambdaVpcRead', ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs']),
    ],
    passesRoles: [{ attribute: 'role', service: 'lambda.amazonaws.com', required: true }],
  },
  aws_lambda_permission: {
    note: 'Secrets Manager may invoke the rotation function (source: the host secret)',
    grants: [
      {
        sid: 'Function',
        actions: ['lambda:AddPermission', 'lambda:GetPolicy', 'lambda:RemovePermission'],
        resources: functionArns,
      },
    ],
  },
};
