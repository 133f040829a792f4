/**
 * IAM, in the delegation pattern: the deployer creates and changes only the environment's roles (credex-core-*-<env>,
 * credex-<env>-*), only with the permissions boundary attached, and attaches only the AWS-managed policies listed
 * here, which the boundary caps.
 */
import { inlinePolicyName } from '../../../contracts/naming';
import { Grant, ServiceActions } from '../types';
import { CORE_NAMES, ec2, ec2Global, ENV_NAMES, iam, star } from './arns';

/** Role names of an environment: credex-core-<what>-<env> (ECS) and credex-<env>-<what> (network, Neo4j). */
export const ROLE_NAME_PATTERNS = [CORE_NAMES, ENV_NAMES];
const roleArns = ROLE_NAME_PATTERNS.map((p) => iam(`role/${p}`));
const instanceProfileArns = [iam(`instance-profile/${ENV_NAMES}`)];

/**
 * AWS-managed policies the stacks may attach to their roles, and what the permissions boundary lets a role use of
 * each (the boundary caps the managed policy; it may be narrower). A managed policy missing here fails the
 * generator. {env} is the role's own `environment` tag here (${aws:PrincipalTag/environment}).
 */
export const MANAGED_POLICY_BOUNDARY: Readonly<Record<string, readonly Grant[]>> = {
  // Session Manager on the Neo4j hosts: AWS's documented minimal instance permissions (no Run Command,
  // State Manager, inventory or parameters: ec2messages and ssm associations are left out on purpose).
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore': [
    {
      sid: 'SessionManagerInstance',
      actions: ['ssm:UpdateInstanceInformation'],
      resources: [ec2('instance')],
      condition: { StringEquals: { 'aws:ResourceTag/environment': '{env}' } },
    },
    star('Read', [
      'ssmmessages:CreateControlChannel',
      'ssmmessages:CreateDataChannel',
      'ssmmessages:OpenControlChannel',
      'ssmmessages:OpenDataChannel',
    ]),
  ],
  // DLM snapshots of the tagged Neo4j data volumes: existing resources must be of the role's environment;
  // new snapshots copy the volume's tags (copy_tags), tagged only by the create call itself.
  'arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole': [
    {
      sid: 'SnapshotLifecycle',
      actions: [
        'ec2:CreateSnapshot',
        'ec2:CreateSnapshots',
        'ec2:DeleteSnapshot',
        'ec2:CopySnapshot',
        'ec2:ModifySnapshotAttribute',
        'ec2:DescribeSnapshotAttribute',
        'ec2:EnableFastSnapshotRestores',
        'ec2:DisableFastSnapshotRestores',
      ],
      resources: [ec2('volume'), ec2('instance'), ec2Global('snapshot')],
      condition: { StringEqualsIfExists: { 'aws:ResourceTag/environment': '{env}' } },
    },
    {
      sid: 'SnapshotTagOnCreate',
      actions: ['ec2:CreateTags'],
      resources: [ec2Global('snapshot')],
      condition: { StringEquals: { 'ec2:CreateAction': ['CreateSnapshot', 'CreateSnapshots', 'CopySnapshot'] } },
    },
    star('Read', [
      'ec2:DescribeInstances',
      'ec2:DescribeVolumes',
      'ec2:DescribeSnapshots',
      'ec2:DescribeFastSnapshotRestores',
    ]),
  ],
};

export const IAM: ServiceActions = {
  'data.aws_iam_policy_document': { note: 'rendered by the provider; no AWS call', grants: [] },
  aws_iam_role: {
    note: 'roles credex-core-*-<env> and credex-<env>-*: created only with the permissions boundary and this environment tag',
    names: { attributes: ['name', 'name_prefix'], patterns: ROLE_NAME_PATTERNS },
    grants: [
      { sid: 'RoleCreate', actions: ['iam:CreateRole'], resources: roleArns, condition: 'boundary-and-request-tag' },
      {
        sid: 'RoleBoundary',
        actions: ['iam:PutRolePermissionsBoundary', 'iam:UpdateAssumeRolePolicy'],
        resources: roleArns,
        condition: 'boundary',
      },
      {
        sid: 'Role',
        actions: [
          'iam:GetRole',
          'iam:DeleteRole',
          'iam:UpdateRole',
          'iam:UpdateRoleDescription',
          'iam:ListRolePolicies',
          'iam:ListAttachedRolePolicies',
          'iam:ListInstanceProfilesForRole',
          'iam:ListRoleTags',
        ],
        resources: roleArns,
      },
      { sid: 'RoleTag', actions: ['iam:TagRole'], resources: roleArns, condition: 'role-tag' },
      { sid: 'RoleUntag', actions: ['iam:UntagRole'], resources: roleArns, condition: 'untag' },
    ],
  },
  aws_iam_role_policy: {
    note: 'inline policies of the credex roles, only while the role carries the boundary',
    names: { attributes: ['name', 'name_prefix'], patterns: ROLE_NAME_PATTERNS.map(inlinePolicyName) },
    grants: [
      {
        sid: 'RoleBoundary',
        actions: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
        resources: roleArns,
        condition: 'boundary',
      },
      { sid: 'Role', actions: ['iam:GetRolePolicy', 'iam:ListRolePolicies'], resources: roleArns },
    ],
    inlinePolicy: { attribute: 'policy' },
  },
  aws_iam_role_policy_attachment: {
    note: 'AWS-managed policies on the credex roles: only with the boundary, only the policies the stacks use',
    grants: [
      {
        sid: 'RoleAttach',
        actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
        resources: roleArns,
        condition: 'boundary',
      },
      { sid: 'Role', actions: ['iam:ListAttachedRolePolicies'], resources: roleArns },
    ],
    managedPolicies: { attribute: 'policy_arn', known: MANAGED_POLICY_BOUNDARY },
  },
  aws_iam_instance_profile: {
    note: 'instance profiles credex-<env>-* holding a credex role (passing the role to EC2)',
    names: { attributes: ['name', 'name_prefix'], patterns: [ENV_NAMES] },
    grants: [
      {
        sid: 'InstanceProfile',
        actions: [
          'iam:CreateInstanceProfile',
          'iam:DeleteInstanceProfile',
          'iam:GetInstanceProfile',
          'iam:AddRoleToInstanceProfile',
          'iam:RemoveRoleFromInstanceProfile',
          'iam:TagInstanceProfile',
          'iam:UntagInstanceProfile',
          'iam:ListInstanceProfileTags',
        ],
        resources: instanceProfileArns,
      },
      { sid: 'InstanceProfileRead', actions: ['iam:ListInstanceProfilesForRole'], resources: roleArns },
    ],
    passesRoles: [{ attribute: 'role', service: 'ec2.amazonaws.com', required: true }],
  },
};
