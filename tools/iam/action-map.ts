/**
 * THE action map: for every Terraform resource and data type the environment stacks may contain, the IAM
 * actions the AWS provider calls to create, read, update and delete it, and how each is scoped. One table, so a
 * review reads the whole permission surface in one place; a type missing here makes `npm run iam:policy` fail.
 *
 * Scoping, in order of preference:
 *  1. by ARN, with names beginning `credex` and carrying the environment (NameRule patterns, checked against
 *     every literal name in the synthesized stack);
 *  2. by tag, where the ARN holds a generated id (vpc-0abc, sg-0abc): aws:RequestTag on create, aws:ResourceTag
 *     afterwards (the provider's default_tags put project/environment on every resource at create time);
 *  3. `*` only for actions AWS defines without a resource type (UNSCOPED_ACTIONS below, with the reason).
 */
import { Grant, KnownCommand, TypeActions } from './types';

// ---- ARN templates ------------------------------------------------------------------------------------------
const arn = (service: string, resource: string): string => `arn:{partition}:${service}:{region}:{account}:${resource}`;
const ec2 = (type: string): string => arn('ec2', `${type}/*`);
/** Public and own AMIs/snapshots: their ARNs have no account. */
const ec2Global = (type: string): string => `arn:{partition}:ec2:{region}::${type}/*`;
const iam = (resource: string): string => `arn:{partition}:iam::{account}:${resource}`;
const logGroups = ['/ecs/credex-*-{env}', '/vpc/credex-{env}/*', '/credex/{env}/*'];
const logGroupArns = logGroups.flatMap((g) => [arn('logs', `log-group:${g}`), arn('logs', `log-group:${g}:*`)]);
/** Role names of an environment: credex-core-<what>-<env> (ECS) and credex-<env>-<what> (network, Neo4j). */
export const ROLE_NAME_PATTERNS = ['credex-core-*-{env}', 'credex-{env}-*'];
const roleArns = ROLE_NAME_PATTERNS.map((p) => iam(`role/${p}`));
const secretPatterns = ['credex-core/{env}/*', 'credex/{env}/*'];
const secretArns = secretPatterns.map((p) => arn('secretsmanager', `secret:${p}`));
const lbArns = [arn('elasticloadbalancing', 'loadbalancer/app/credex-{env}-*/*')];
const tgArns = [arn('elasticloadbalancing', 'targetgroup/credex-{env}-*/*')];
const listenerArns = [
  arn('elasticloadbalancing', 'listener/app/credex-{env}-*/*/*'),
  arn('elasticloadbalancing', 'listener-rule/app/credex-{env}-*/*/*/*'),
];
const bucketArns = ['arn:{partition}:s3:::credex-{env}-*'];
const clusterArns = [arn('ecs', 'cluster/credex-*-{env}')];
const serviceArns = [arn('ecs', 'service/credex-*-{env}/credex-*-{env}')];
const taskDefinitionArns = [arn('ecs', 'task-definition/credex-*-{env}:*')];
const alarmArns = [arn('cloudwatch', 'alarm:credex-{env}-*')];
const dashboardArns = ['arn:{partition}:cloudwatch::{account}:dashboard/credex-{env}', 'arn:{partition}:cloudwatch::{account}:dashboard/credex-{env}-*'];
const topicArns = [arn('sns', 'credex-*-{env}'), arn('sns', 'credex-*-{env}:*')];
const instanceProfileArns = [iam('instance-profile/credex-{env}-*')];
const scalableTargetArns = [arn('application-autoscaling', 'scalable-target/*')];
const dlmPolicyArns = [arn('dlm', 'policy/*')];

// ---- reusable grants ----------------------------------------------------------------------------------------
const star = (sid: string, actions: string[]): Grant => ({ sid, actions, resources: ['*'] });
/** Create with tags, change and delete by tag: the shape of every EC2 resource with a generated id. */
const ec2Tagged = (sid: string, type: string, create: string[], change: string[]): Grant[] => [
  ...(create.length ? [{ sid: `${sid}Create`, actions: create, resources: [ec2(type)], condition: 'request-tag' as const }] : []),
  ...(change.length ? [{ sid: `${sid}Change`, actions: change, resources: [ec2(type)], condition: 'resource-tag' as const }] : []),
];
/** The parent resources a create or change touches (the VPC a subnet goes in), which must be this environment's. */
const ec2Parents = (sid: string, actions: string[], types: string[]): Grant => ({
  sid: `${sid}Parents`,
  actions,
  resources: types.map(ec2),
  condition: 'resource-tag',
});
const ec2Tags = (createAction: string, ...types: string[]) => [
  { service: 'ec2' as const, createAction, resources: types.map(ec2) },
];

/** aws_vpc_security_group_{ingress,egress}_rule: a tagged rule on a tagged security group. */
function securityGroupRule(direction: 'Ingress' | 'Egress'): TypeActions {
  const authorize = `ec2:AuthorizeSecurityGroup${direction}`;
  const revoke = `ec2:RevokeSecurityGroup${direction}`;
  return {
    note: 'a tagged rule on a tagged security group',
    grants: [
      ...ec2Tagged('SecurityGroupRule', 'security-group-rule', [authorize], [revoke, 'ec2:ModifySecurityGroupRules']),
      ec2Parents('SecurityGroupRule', [authorize, revoke, 'ec2:ModifySecurityGroupRules'], ['security-group']),
      star('Ec2Read', ['ec2:DescribeSecurityGroupRules']),
    ],
    tagOnCreate: ec2Tags(`AuthorizeSecurityGroup${direction}`, 'security-group-rule'),
  };
}

/**
 * Actions AWS defines without a resource type (or for which the provider's call cannot name one), with the
 * reason. The generator refuses any other action on `*`. Lower-case globs; `*` does not cross `:`.
 */
export const UNSCOPED_ACTIONS: Readonly<Record<string, string>> = {
  'ec2:describe*': 'EC2 Describe* calls have no resource-level permissions',
  'elasticloadbalancing:describe*': 'ELBv2 Describe* calls have no resource-level permissions',
  'ecs:describetaskdefinition': 'task definitions are read without a resource ARN',
  'ecs:deregistertaskdefinition': 'no resource type in the service authorization reference',
  'ecs:listclusters': 'listing',
  'application-autoscaling:describe*': 'no resource-level permissions for Describe*',
  'logs:describeloggroups': 'the provider lists groups by name prefix, which has no resource ARN',
  'sts:getcalleridentity': 'data aws_caller_identity; no resource',
  'ecr:getauthorizationtoken': 'docker login to ECR; no resource',
  'secretsmanager:listsecrets': 'listing',
  'acm:listcertificates': 'listing; data aws_acm_certificate finds the certificate by domain',
  'dlm:createlifecyclepolicy': 'no resource type; scoped instead by aws:RequestTag (project/environment)',
  'iam:listroles': 'listing',
};

// ---- the table ----------------------------------------------------------------------------------------------
export const ACTION_MAP: Readonly<Record<string, TypeActions>> = {
  // -- data sources
  'data.aws_caller_identity': { note: 'reads the account id', grants: [star('Identity', ['sts:GetCallerIdentity'])] },
  'data.aws_partition': { note: 'computed by the provider; no AWS call', grants: [] },
  'data.aws_region': { note: 'computed by the provider; no AWS call', grants: [] },
  'data.aws_iam_policy_document': { note: 'rendered by the provider; no AWS call', grants: [] },
  'data.aws_elb_service_account': { note: 'a table inside the provider; no AWS call', grants: [] },
  'data.aws_availability_zones': { note: 'lists zones', grants: [star('Ec2Read', ['ec2:DescribeAvailabilityZones'])] },
  'data.aws_ami': { note: 'finds the baked Neo4j image by tags', grants: [star('Ec2Read', ['ec2:DescribeImages'])] },
  'data.aws_acm_certificate': {
    note: "finds the environment's ISSUED certificate by domain (the ARN has a generated id)",
    grants: [
      star('AcmList', ['acm:ListCertificates']),
      { sid: 'AcmRead', actions: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'], resources: [arn('acm', 'certificate/*')] },
    ],
  },
  'data.aws_ecr_repository': {
    note: 'reads the shared repository (created by the global stack)',
    grants: [
      {
        sid: 'EcrRead',
        actions: ['ecr:DescribeRepositories', 'ecr:DescribeImages', 'ecr:ListTagsForResource'],
        resources: [arn('ecr', 'repository/{repository}')],
      },
    ],
  },

  // -- network (EC2, tag-scoped)
  aws_vpc: {
    note: 'CreateVpc tagged; attributes; the provider also reads the default SG, NACL and main route table',
    grants: [
      ...ec2Tagged('Vpc', 'vpc', ['ec2:CreateVpc'], ['ec2:DeleteVpc', 'ec2:ModifyVpcAttribute', 'ec2:DescribeVpcAttribute']),
      star('Ec2Read', [
        'ec2:DescribeVpcs',
        'ec2:DescribeNetworkAcls',
        'ec2:DescribeRouteTables',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSecurityGroupRules',
        'ec2:DescribeTags',
      ]),
    ],
    tagOnCreate: ec2Tags('CreateVpc', 'vpc'),
  },
  aws_default_security_group: {
    note: 'adopts the VPC default SG: tags it, then revokes every rule',
    grants: [
      {
        sid: 'DefaultSecurityGroupAdopt',
        actions: ['ec2:CreateTags'],
        resources: [ec2('security-group')],
        condition: 'request-tag',
      },
      {
        sid: 'SecurityGroupChange',
        actions: [
          'ec2:RevokeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupEgress',
          'ec2:AuthorizeSecurityGroupIngress',
          'ec2:AuthorizeSecurityGroupEgress',
        ],
        resources: [ec2('security-group')],
        condition: 'resource-tag',
      },
      star('Ec2Read', ['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules']),
    ],
  },
  aws_subnet: {
    note: 'CreateSubnet tagged in a tagged VPC; map_public_ip and similar attributes',
    grants: [
      ...ec2Tagged('Subnet', 'subnet', ['ec2:CreateSubnet'], ['ec2:DeleteSubnet', 'ec2:ModifySubnetAttribute']),
      ec2Parents('Subnet', ['ec2:CreateSubnet'], ['vpc']),
      star('Ec2Read', ['ec2:DescribeSubnets', 'ec2:DescribeNetworkInterfaces']),
    ],
    tagOnCreate: ec2Tags('CreateSubnet', 'subnet'),
  },
  aws_internet_gateway: {
    note: 'create tagged, attach to / detach from the tagged VPC',
    grants: [
      ...ec2Tagged('InternetGateway', 'internet-gateway', ['ec2:CreateInternetGateway'], [
        'ec2:AttachInternetGateway',
        'ec2:DetachInternetGateway',
        'ec2:DeleteInternetGateway',
      ]),
      ec2Parents('InternetGateway', ['ec2:AttachInternetGateway', 'ec2:DetachInternetGateway'], ['vpc']),
      star('Ec2Read', ['ec2:DescribeInternetGateways']),
    ],
    tagOnCreate: ec2Tags('CreateInternetGateway', 'internet-gateway'),
  },
  aws_eip: {
    note: 'allocate tagged, release',
    grants: [
      ...ec2Tagged('ElasticIp', 'elastic-ip', ['ec2:AllocateAddress'], ['ec2:ReleaseAddress', 'ec2:DisassociateAddress']),
      star('Ec2Read', ['ec2:DescribeAddresses', 'ec2:DescribeAddressesAttribute']),
    ],
    tagOnCreate: ec2Tags('AllocateAddress', 'elastic-ip'),
  },
  aws_nat_gateway: {
    note: 'create tagged in a tagged subnet with a tagged EIP',
    grants: [
      ...ec2Tagged('NatGateway', 'natgateway', ['ec2:CreateNatGateway'], ['ec2:DeleteNatGateway']),
      ec2Parents('NatGateway', ['ec2:CreateNatGateway'], ['subnet', 'elastic-ip']),
      ec2Parents('NatGatewayRelease', ['ec2:DisassociateAddress'], ['elastic-ip', 'network-interface']),
      star('Ec2Read', ['ec2:DescribeNatGateways']),
    ],
    tagOnCreate: ec2Tags('CreateNatGateway', 'natgateway'),
  },
  aws_route_table: {
    note: 'create tagged in a tagged VPC',
    grants: [
      ...ec2Tagged('RouteTable', 'route-table', ['ec2:CreateRouteTable'], ['ec2:DeleteRouteTable']),
      ec2Parents('RouteTable', ['ec2:CreateRouteTable'], ['vpc']),
      star('Ec2Read', ['ec2:DescribeRouteTables']),
    ],
    tagOnCreate: ec2Tags('CreateRouteTable', 'route-table'),
  },
  aws_route: {
    note: 'routes live in a tagged route table',
    grants: [
      ec2Parents('Route', ['ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute'], ['route-table']),
      star('Ec2Read', ['ec2:DescribeRouteTables']),
    ],
  },
  aws_route_table_association: {
    note: 'associates a tagged route table with a tagged subnet',
    grants: [
      ec2Parents(
        'RouteTableAssociation',
        ['ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable', 'ec2:ReplaceRouteTableAssociation'],
        ['route-table', 'subnet'],
      ),
      star('Ec2Read', ['ec2:DescribeRouteTables']),
    ],
  },
  aws_vpc_endpoint: {
    note: 'S3 gateway endpoint: create tagged in the tagged VPC, on tagged route tables',
    grants: [
      ...ec2Tagged('VpcEndpoint', 'vpc-endpoint', ['ec2:CreateVpcEndpoint'], ['ec2:ModifyVpcEndpoint', 'ec2:DeleteVpcEndpoints']),
      ec2Parents('VpcEndpoint', ['ec2:CreateVpcEndpoint', 'ec2:ModifyVpcEndpoint'], ['vpc', 'route-table', 'subnet', 'security-group']),
      star('Ec2Read', ['ec2:DescribeVpcEndpoints', 'ec2:DescribePrefixLists', 'ec2:DescribeVpcEndpointServices']),
    ],
    tagOnCreate: ec2Tags('CreateVpcEndpoint', 'vpc-endpoint'),
  },
  aws_flow_log: {
    note: 'flow log of the tagged VPC into a credex log group, delivered by the flow-log role',
    grants: [
      ...ec2Tagged('FlowLog', 'vpc-flow-log', ['ec2:CreateFlowLogs'], ['ec2:DeleteFlowLogs']),
      ec2Parents('FlowLog', ['ec2:CreateFlowLogs'], ['vpc']),
      star('Ec2Read', ['ec2:DescribeFlowLogs']),
    ],
    tagOnCreate: ec2Tags('CreateFlowLogs', 'vpc-flow-log'),
  },
  aws_security_group: {
    note: 'create tagged in the tagged VPC; the provider revokes the default egress rule right after',
    names: { attributes: ['name', 'name_prefix'], patterns: ['credex-*-{env}', 'credex-{env}-*'] },
    grants: [
      ...ec2Tagged('SecurityGroup', 'security-group', ['ec2:CreateSecurityGroup'], [
        'ec2:DeleteSecurityGroup',
        'ec2:RevokeSecurityGroupIngress',
        'ec2:RevokeSecurityGroupEgress',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:AuthorizeSecurityGroupEgress',
        'ec2:ModifySecurityGroupRules',
        'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
        'ec2:UpdateSecurityGroupRuleDescriptionsEgress',
      ]),
      ec2Parents('SecurityGroup', ['ec2:CreateSecurityGroup'], ['vpc']),
      star('Ec2Read', ['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeNetworkInterfaces']),
    ],
    tagOnCreate: ec2Tags('CreateSecurityGroup', 'security-group'),
  },
  aws_vpc_security_group_ingress_rule: securityGroupRule('Ingress'),
  aws_vpc_security_group_egress_rule: securityGroupRule('Egress'),

  // -- Neo4j hosts (EC2, tag-scoped)
  aws_network_interface: {
    note: 'the stable Bolt address: create tagged in a tagged subnet with tagged security groups',
    grants: [
      ...ec2Tagged('NetworkInterface', 'network-interface', ['ec2:CreateNetworkInterface'], [
        'ec2:DeleteNetworkInterface',
        'ec2:ModifyNetworkInterfaceAttribute',
        'ec2:AttachNetworkInterface',
        'ec2:DetachNetworkInterface',
      ]),
      ec2Parents('NetworkInterface', ['ec2:CreateNetworkInterface', 'ec2:ModifyNetworkInterfaceAttribute'], ['subnet', 'security-group']),
      star('Ec2Read', ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeNetworkInterfaceAttribute']),
    ],
    tagOnCreate: ec2Tags('CreateNetworkInterface', 'network-interface'),
  },
  aws_instance: {
    note: 'RunInstances tagged (instance, root volume) on a tagged ENI with a credex instance profile; stop/start/modify/terminate by tag',
    grants: [
      { sid: 'InstanceCreate', actions: ['ec2:RunInstances'], resources: [ec2('instance'), ec2('volume')], condition: 'request-tag' },
      { sid: 'InstanceParents', actions: ['ec2:RunInstances'], resources: [ec2('network-interface'), ec2('subnet'), ec2('security-group')], condition: 'resource-tag' },
      // Only the images the AMI command baked (ManagedBy=credex-ami), of this account.
      { sid: 'InstanceImage', actions: ['ec2:RunInstances'], resources: [ec2Global('image')], condition: { StringEquals: { 'ec2:Owner': '{account}', 'aws:ResourceTag/ManagedBy': 'credex-ami' } } },
      // The image's snapshots, where RunInstances checks them: this account's, untagged or credex-ami's.
      {
        sid: 'InstanceImageSnapshot',
        actions: ['ec2:RunInstances'],
        resources: [ec2Global('snapshot')],
        condition: { StringEquals: { 'ec2:Owner': '{account}' }, StringEqualsIfExists: { 'aws:ResourceTag/ManagedBy': 'credex-ami' } },
      },
      {
        sid: 'InstanceChange',
        actions: [
          'ec2:TerminateInstances',
          'ec2:StopInstances',
          'ec2:StartInstances',
          'ec2:ModifyInstanceAttribute',
          'ec2:ModifyInstanceMetadataOptions',
          'ec2:MonitorInstances',
          'ec2:UnmonitorInstances',
          'ec2:DescribeInstanceAttribute',
        ],
        resources: [ec2('instance')],
        condition: 'resource-tag',
      },
      star('Ec2Read', [
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeInstanceCreditSpecifications',
        'ec2:DescribeVolumes',
        'ec2:DescribeTags',
        'ec2:DescribeImages',
      ]),
    ],
    tagOnCreate: ec2Tags('RunInstances', 'instance', 'volume'),
  },
  aws_ebs_volume: {
    note: 'the Neo4j data volume: create tagged, modify/delete by tag',
    grants: [
      ...ec2Tagged('Volume', 'volume', ['ec2:CreateVolume'], ['ec2:DeleteVolume', 'ec2:ModifyVolume']),
      star('Ec2Read', ['ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications']),
    ],
    tagOnCreate: ec2Tags('CreateVolume', 'volume'),
  },
  aws_volume_attachment: {
    note: 'attach a tagged volume to a tagged instance (stop_instance_before_detaching stops it first)',
    grants: [
      ec2Parents('VolumeAttachment', ['ec2:AttachVolume', 'ec2:DetachVolume'], ['instance', 'volume']),
      { sid: 'InstanceChange', actions: ['ec2:StopInstances', 'ec2:StartInstances'], resources: [ec2('instance')], condition: 'resource-tag' },
      star('Ec2Read', ['ec2:DescribeVolumes', 'ec2:DescribeInstances']),
    ],
  },
  aws_dlm_lifecycle_policy: {
    note: 'daily snapshots of the Neo4j data volumes, run by the backups role',
    grants: [
      { sid: 'DlmCreate', actions: ['dlm:CreateLifecyclePolicy'], resources: ['*'], condition: 'request-tag' },
      {
        sid: 'DlmChange',
        actions: ['dlm:GetLifecyclePolicy', 'dlm:UpdateLifecyclePolicy', 'dlm:DeleteLifecyclePolicy', 'dlm:ListTagsForResource', 'dlm:TagResource', 'dlm:UntagResource'],
        resources: dlmPolicyArns,
        condition: 'resource-tag',
      },
      { sid: 'DlmTagOnCreate', actions: ['dlm:TagResource'], resources: dlmPolicyArns, condition: 'request-tag' },
    ],
  },

  // -- load balancer
  aws_lb: {
    note: 'ALB named credex-<env>-*: create (tagged), attributes, subnets, security groups',
    names: { attributes: ['name', 'name_prefix'], patterns: ['credex-{env}-*'] },
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
      star('LoadBalancerRead', ['elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeCapacityReservation', 'elasticloadbalancing:DescribeListeners']),
      star('Ec2Read', ['ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs', 'ec2:DescribeInternetGateways', 'ec2:DescribeAccountAttributes', 'ec2:DescribeNetworkInterfaces']),
    ],
    serviceLinkedRoles: ['elasticloadbalancing.amazonaws.com'],
  },
  aws_lb_target_group: {
    note: 'target group named credex-<env>-*',
    names: { attributes: ['name', 'name_prefix'], patterns: ['credex-{env}-*'] },
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
      star('LoadBalancerRead', ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeTargetHealth']),
    ],
  },
  aws_lb_listener: {
    note: 'listeners of a credex-<env>-* load balancer forwarding to its target groups',
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
      star('LoadBalancerRead', ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerAttributes', 'elasticloadbalancing:DescribeListenerCertificates', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTags']),
    ],
  },

  // -- access-log bucket
  aws_s3_bucket: {
    note: 'bucket credex-<env>-*: the provider reads every bucket sub-configuration on refresh',
    names: { attributes: ['bucket', 'bucket_prefix'], patterns: ['credex-{env}-*'] },
    grants: [
      {
        sid: 'Bucket',
        actions: [
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:ListBucket',
          's3:GetBucketTagging',
          's3:PutBucketTagging',
          's3:GetBucketAcl',
          's3:GetBucketCORS',
          's3:GetBucketWebsite',
          's3:GetBucketVersioning',
          's3:GetAccelerateConfiguration',
          's3:GetBucketRequestPayment',
          's3:GetBucketLogging',
          's3:GetLifecycleConfiguration',
          's3:GetReplicationConfiguration',
          's3:GetEncryptionConfiguration',
          's3:GetBucketObjectLockConfiguration',
          's3:GetBucketPolicy',
          's3:GetBucketOwnershipControls',
          's3:GetBucketPublicAccessBlock',
        ],
        resources: bucketArns,
      },
    ],
  },
  aws_s3_bucket_policy: {
    note: 'the ELB log-delivery policy',
    grants: [{ sid: 'Bucket', actions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'], resources: bucketArns }],
  },
  aws_s3_bucket_public_access_block: {
    note: 'all four blocks on',
    grants: [{ sid: 'Bucket', actions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'], resources: bucketArns }],
  },
  aws_s3_bucket_ownership_controls: {
    note: 'bucket-owner-enforced',
    grants: [{ sid: 'Bucket', actions: ['s3:GetBucketOwnershipControls', 's3:PutBucketOwnershipControls'], resources: bucketArns }],
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    note: 'SSE',
    grants: [{ sid: 'Bucket', actions: ['s3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration'], resources: bucketArns }],
  },
  aws_s3_bucket_lifecycle_configuration: {
    note: 'expiry of access logs',
    grants: [{ sid: 'Bucket', actions: ['s3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration'], resources: bucketArns }],
  },
  aws_s3_bucket_versioning: {
    note: 'versioning',
    grants: [{ sid: 'Bucket', actions: ['s3:GetBucketVersioning', 's3:PutBucketVersioning'], resources: bucketArns }],
  },

  // -- ECS
  aws_ecs_cluster: {
    note: 'cluster credex-*-<env> with Container Insights',
    names: { attributes: ['name'], patterns: ['credex-*-{env}'] },
    grants: [
      {
        sid: 'EcsCluster',
        actions: ['ecs:CreateCluster', 'ecs:DeleteCluster', 'ecs:UpdateCluster', 'ecs:UpdateClusterSettings', 'ecs:PutClusterCapacityProviders', 'ecs:DescribeClusters', 'ecs:TagResource', 'ecs:UntagResource', 'ecs:ListTagsForResource'],
        resources: clusterArns,
      },
    ],
    serviceLinkedRoles: ['ecs.amazonaws.com'],
  },
  aws_ecs_task_definition: {
    note: 'registers the family credex-*-<env> (ARN and request tags); passes the task and execution roles to ECS tasks',
    names: { attributes: ['family'], patterns: ['credex-*-{env}'] },
    grants: [
      { sid: 'EcsTaskDefinitionRegister', actions: ['ecs:RegisterTaskDefinition'], resources: taskDefinitionArns, condition: 'request-tag' },
      star('EcsTaskDefinitionRead', ['ecs:DescribeTaskDefinition', 'ecs:DeregisterTaskDefinition']),
      { sid: 'EcsTaskDefinitionTags', actions: ['ecs:TagResource', 'ecs:ListTagsForResource'], resources: taskDefinitionArns },
    ],
  },
  aws_ecs_service: {
    note: 'Fargate service credex-*-<env> in its cluster, behind the ALB target group',
    names: { attributes: ['name'], patterns: ['credex-*-{env}'] },
    grants: [
      {
        sid: 'EcsService',
        actions: ['ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService', 'ecs:DescribeServices', 'ecs:TagResource', 'ecs:UntagResource', 'ecs:ListTagsForResource'],
        resources: serviceArns,
      },
    ],
    serviceLinkedRoles: ['ecs.amazonaws.com'],
  },
  aws_appautoscaling_target: {
    note: 'scalable target of the ECS service: registered with tags, changed by tag',
    grants: [
      { sid: 'ScalingCreate', actions: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:TagResource'], resources: scalableTargetArns, condition: 'request-tag' },
      {
        sid: 'ScalingChange',
        actions: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:TagResource', 'application-autoscaling:UntagResource', 'application-autoscaling:ListTagsForResource'],
        resources: scalableTargetArns,
        condition: 'resource-tag',
      },
      star('ScalingRead', ['application-autoscaling:DescribeScalableTargets']),
      { sid: 'EcsService', actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: serviceArns },
    ],
    serviceLinkedRoles: ['ecs.application-autoscaling.amazonaws.com'],
  },
  aws_appautoscaling_policy: {
    note: 'target-tracking policy on the tagged scalable target (AWS creates its alarms)',
    names: { attributes: ['name'], patterns: ['credex-*-{env}'] },
    grants: [
      { sid: 'ScalingChange', actions: ['application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy'], resources: scalableTargetArns, condition: 'resource-tag' },
      star('ScalingRead', ['application-autoscaling:DescribeScalingPolicies']),
    ],
  },

  // -- logs, alarms, dashboards, topics
  aws_cloudwatch_log_group: {
    note: 'log groups /ecs/credex-*-<env>, /vpc/credex-<env>/*, /credex/<env>/* with retention',
    names: { attributes: ['name', 'name_prefix'], patterns: logGroups },
    grants: [
      {
        sid: 'LogGroup',
        actions: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource', 'logs:ListTagsLogGroup', 'logs:TagLogGroup', 'logs:UntagLogGroup'],
        resources: logGroupArns,
      },
      star('LogsRead', ['logs:DescribeLogGroups']),
    ],
  },
  aws_cloudwatch_metric_alarm: {
    note: 'alarms credex-<env>-*',
    names: { attributes: ['alarm_name'], patterns: ['credex-{env}-*'] },
    grants: [
      { sid: 'Alarm', actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource', 'cloudwatch:ListTagsForResource'], resources: alarmArns },
    ],
  },
  aws_cloudwatch_dashboard: {
    note: 'dashboard credex-<env>',
    names: { attributes: ['dashboard_name'], patterns: ['credex-{env}', 'credex-{env}-*'] },
    grants: [
      { sid: 'Dashboard', actions: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'], resources: dashboardArns },
    ],
  },
  aws_sns_topic: {
    note: 'alarm topic credex-*-<env>',
    names: { attributes: ['name', 'name_prefix'], patterns: ['credex-*-{env}'] },
    grants: [
      {
        sid: 'Topic',
        actions: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource', 'sns:ListTagsForResource'],
        resources: topicArns,
      },
    ],
  },
  aws_sns_topic_subscription: {
    note: 'e-mail subscription on the credex topic',
    grants: [
      { sid: 'Topic', actions: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes', 'sns:ListSubscriptionsByTopic'], resources: topicArns },
    ],
  },

  // -- secrets
  aws_secretsmanager_secret: {
    note: 'secrets credex-core/<env>/*, credex/<env>/* and the seed name neo4j_<stage|prod>_secrets',
    names: { attributes: ['name', 'name_prefix'], patterns: secretPatterns, exact: /^neo4j_[a-z]+_secrets$/ },
    grants: [
      {
        sid: 'Secret',
        actions: ['secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:UpdateSecret', 'secretsmanager:GetResourcePolicy', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'],
        resources: secretArns,
      },
    ],
  },
  aws_secretsmanager_secret_version: {
    note: 'values Terraform owns (generated Neo4j passwords): written and read back into state',
    grants: [
      {
        sid: 'Secret',
        actions: ['secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'],
        resources: secretArns,
      },
    ],
  },

  // -- IAM (the delegation pattern: roles only with the boundary)
  aws_iam_role: {
    note: 'roles credex-core-*-<env> and credex-<env>-*: created only with the permissions boundary and this environment tag',
    names: { attributes: ['name', 'name_prefix'], patterns: ROLE_NAME_PATTERNS },
    grants: [
      { sid: 'RoleCreate', actions: ['iam:CreateRole'], resources: roleArns, condition: 'boundary-and-request-tag' },
      { sid: 'RoleBoundary', actions: ['iam:PutRolePermissionsBoundary', 'iam:UpdateAssumeRolePolicy'], resources: roleArns, condition: 'boundary' },
      {
        sid: 'Role',
        actions: ['iam:GetRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole', 'iam:ListRoleTags'],
        resources: roleArns,
      },
      { sid: 'RoleTag', actions: ['iam:TagRole'], resources: roleArns, condition: 'role-tag' },
      { sid: 'RoleUntag', actions: ['iam:UntagRole'], resources: roleArns, condition: 'untag' },
    ],
  },
  aws_iam_role_policy: {
    note: 'inline policies of the credex roles, only while the role carries the boundary',
    names: { attributes: ['name', 'name_prefix'], patterns: ['credex-core-*-{env}-*', 'credex-{env}-*'] },
    grants: [
      { sid: 'RoleBoundary', actions: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'], resources: roleArns, condition: 'boundary' },
      { sid: 'Role', actions: ['iam:GetRolePolicy', 'iam:ListRolePolicies'], resources: roleArns },
    ],
  },
  aws_iam_role_policy_attachment: {
    note: 'AWS-managed policies on the credex roles: only with the boundary, only the policies the stacks use',
    grants: [
      { sid: 'RoleAttach', actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'], resources: roleArns, condition: 'boundary' },
      { sid: 'Role', actions: ['iam:ListAttachedRolePolicies'], resources: roleArns },
    ],
  },
  aws_iam_instance_profile: {
    note: 'instance profiles credex-<env>-* holding a credex role (passing the role to EC2)',
    names: { attributes: ['name', 'name_prefix'], patterns: ['credex-{env}-*'] },
    grants: [
      {
        sid: 'InstanceProfile',
        actions: ['iam:CreateInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:GetInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:TagInstanceProfile', 'iam:UntagInstanceProfile', 'iam:ListInstanceProfileTags'],
        resources: instanceProfileArns,
      },
      { sid: 'InstanceProfileRead', actions: ['iam:ListInstanceProfilesForRole'], resources: roleArns },
    ],
  },

  // -- providers without AWS calls
  random_password: { note: 'generated locally by the random provider; no AWS call', grants: [] },
  null_resource: { note: 'its local-exec command decides: see KNOWN_COMMANDS', grants: [] },
};

/**
 * null_resource commands the generator knows. A null_resource whose command matches none of these fails the
 * generator: a command run by Terraform acts with the deployer's credentials, so its actions must be mapped.
 */
export const KNOWN_COMMANDS: readonly KnownCommand[] = [
  {
    name: 'npm run -s ami -- bake (tools/ami: builder instance, image, prune)',
    pattern: /^npm run -s ami -- bake\b/,
    grants: [
      // The builder instance and its volume carry ManagedBy=credex-ami from RunInstances on.
      {
        sid: 'AmiBuilderLaunch',
        actions: ['ec2:RunInstances'],
        resources: [ec2('instance'), ec2('volume')],
        condition: { StringEquals: { 'aws:RequestTag/ManagedBy': 'credex-ami' }, StringEqualsIfExists: { 'aws:ResourceTag/ManagedBy': 'credex-ami' } },
      },
      { sid: 'AmiBuilderNetwork', actions: ['ec2:RunInstances'], resources: [ec2('subnet'), ec2('security-group')], condition: { StringEquals: { 'aws:ResourceTag/project': '{project}' } } },
      { sid: 'AmiBuilderNetworkInterface', actions: ['ec2:RunInstances'], resources: [ec2('network-interface')], condition: { Bool: { 'ec2:AssociatePublicIpAddress': 'false' }, StringEqualsIfExists: { 'aws:ResourceTag/project': '{project}' } } },
      // Canonical's Ubuntu base image (tools/ami DEFAULT_BASE_IMAGE), or a credex-baked image of this account.
      {
        sid: 'AmiBaseImage',
        actions: ['ec2:RunInstances'],
        resources: [ec2Global('image'), ec2Global('snapshot')],
        condition: { StringEquals: { 'ec2:Owner': ['099720109477', '{account}'] }, StringEqualsIfExists: { 'aws:ResourceTag/ManagedBy': 'credex-ami' } },
      },
      { sid: 'AmiTagOnCreate', actions: ['ec2:CreateTags'], resources: [ec2('instance'), ec2('volume'), ec2Global('image')], condition: { StringEquals: { 'ec2:CreateAction': ['RunInstances', 'CreateImage'] } } },
      {
        sid: 'AmiManaged',
        actions: ['ec2:StopInstances', 'ec2:TerminateInstances', 'ec2:CreateImage', 'ec2:CreateTags', 'ec2:DeregisterImage', 'ec2:DeleteSnapshot'],
        resources: [ec2('instance'), ec2Global('image'), ec2Global('snapshot')],
        condition: { StringEquals: { 'aws:ResourceTag/ManagedBy': 'credex-ami' } },
      },
      {
        sid: 'AmiImageCreate',
        actions: ['ec2:CreateImage'],
        resources: [ec2Global('image'), ec2Global('snapshot')],
        condition: { StringEquals: { 'aws:RequestTag/ManagedBy': 'credex-ami' }, StringEqualsIfExists: { 'aws:ResourceTag/ManagedBy': 'credex-ami' } },
      },
      star('Ec2Read', ['ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeSnapshots']),
    ],
  },
];

/**
 * What the deploy workflows and `npm run verify` do besides Terraform, per environment ({env}) or shared.
 * Terraform state: one key per stack in the state bucket, S3-native locking (<key>.tflock).
 */
export const WORKFLOW_GRANTS: readonly Grant[] = [
  // Shared: push the API image (both deploy workflows build it), log in to ECR, know who we are.
  star('Identity', ['sts:GetCallerIdentity']),
  star('EcrLogin', ['ecr:GetAuthorizationToken']),
  {
    sid: 'EcrPush',
    actions: [
      'ecr:BatchCheckLayerAvailability',
      'ecr:BatchGetImage',
      'ecr:CompleteLayerUpload',
      'ecr:DescribeImages',
      'ecr:GetDownloadUrlForLayer',
      'ecr:InitiateLayerUpload',
      'ecr:PutImage',
      'ecr:UploadLayerPart',
    ],
    resources: [arn('ecr', 'repository/{repository}')],
  },
  // Per environment: its own state object and lock, nothing else in the bucket (the global stack's state is not theirs).
  {
    sid: 'StateList',
    actions: ['s3:ListBucket'],
    resources: ['arn:{partition}:s3:::{stateBucket}'],
    condition: { StringLike: { 's3:prefix': ['credex-infra/{env}.tfstate', 'credex-infra/{env}.tfstate.tflock'] } },
  },
  {
    sid: 'StateObject',
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    resources: ['arn:{partition}:s3:::{stateBucket}/credex-infra/{env}.tfstate', 'arn:{partition}:s3:::{stateBucket}/credex-infra/{env}.tfstate.tflock'],
  },
  // The app secret's values, written from the environment's GitHub secrets.
  { sid: 'AppSecretWrite', actions: ['secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'], resources: [arn('secretsmanager', 'secret:credex-core/{env}/app-??????')] },
  // Roll out and verify the service.
  { sid: 'EcsService', actions: ['ecs:UpdateService', 'ecs:DescribeServices'], resources: serviceArns },
  { sid: 'EcsTasks', actions: ['ecs:DescribeTasks'], resources: [arn('ecs', 'task/credex-*-{env}/*')] },
  { sid: 'EcsTaskList', actions: ['ecs:ListTasks'], resources: [arn('ecs', 'container-instance/credex-*-{env}/*')] },
  star('LoadBalancerRead', ['elasticloadbalancing:DescribeTargetHealth']),
  // verify reaches the private Neo4j hosts' Bolt port through Session Manager port forwarding (no inbound route).
  {
    sid: 'Neo4jPortForward',
    actions: ['ssm:StartSession'],
    resources: [ec2('instance')],
    condition: { StringEquals: { 'ssm:resourceTag/environment': '{env}' } },
  },
  { sid: 'PortForwardDocument', actions: ['ssm:StartSession'], resources: ['arn:{partition}:ssm:{region}::document/AWS-StartPortForwardingSession'] },
];

/**
 * AWS-managed policies the stacks may attach to their roles, and what the permissions boundary lets a role use of
 * each (the boundary caps the managed policy; it may be narrower). A managed policy missing here fails the
 * generator. {env} is the role's own `environment` tag here (${aws:PrincipalTag/environment}).
 */
export const MANAGED_POLICY_BOUNDARY: Readonly<Record<string, readonly Grant[]>> = {
  // Session Manager on the Neo4j hosts: AWS's documented minimal instance permissions (no Run Command,
  // State Manager, inventory or parameters: ec2messages and ssm associations are left out on purpose).
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore': [
    { sid: 'SessionManagerInstance', actions: ['ssm:UpdateInstanceInformation'], resources: [ec2('instance')], condition: { StringEquals: { 'aws:ResourceTag/environment': '{env}' } } },
    star('Read', ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel']),
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
    { sid: 'SnapshotTagOnCreate', actions: ['ec2:CreateTags'], resources: [ec2Global('snapshot')], condition: { StringEquals: { 'ec2:CreateAction': ['CreateSnapshot', 'CreateSnapshots', 'CopySnapshot'] } } },
    star('Read', ['ec2:DescribeInstances', 'ec2:DescribeVolumes', 'ec2:DescribeSnapshots', 'ec2:DescribeFastSnapshotRestores']),
  ],
};

/**
 * The boundary, for a resource a role policy of the stacks names by reference (`${aws_x.y.arn}`): the ARNs of
 * that type with {env} = the role's own environment tag. A reference to a type missing here fails the generator.
 */
export const BOUNDARY_REFERENCE_ARNS: Readonly<Record<string, readonly string[]>> = {
  aws_cloudwatch_log_group: logGroups.map((g) => arn('logs', `log-group:${g}:*`)),
  aws_secretsmanager_secret: secretArns,
  'data.aws_ecr_repository': [arn('ecr', 'repository/{repository}')],
};

/** Services whose service-linked role the deployer may create on first use (iam:AWSServiceName). */
export const SERVICE_LINKED_ROLE_NAMES: Readonly<Record<string, string>> = {
  'ecs.amazonaws.com': 'AWSServiceRoleForECS',
  'elasticloadbalancing.amazonaws.com': 'AWSServiceRoleForElasticLoadBalancing',
  'ecs.application-autoscaling.amazonaws.com': 'AWSServiceRoleForApplicationAutoScaling_ECSService',
};
