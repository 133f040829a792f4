/**
 * EC2: the network (VPC, subnets, gateways, routes, endpoints, flow logs, security groups) and the Neo4j hosts
 * (interfaces, instances, volumes). EC2 ARNs hold generated ids (vpc-0abc), so everything is scoped by tag:
 * aws:RequestTag on create (the provider's default_tags put project/environment on every resource at create
 * time), aws:ResourceTag afterwards.
 */
import { AMI_MARKER, AMI_MARKER_TAG } from '../../../contracts/naming';
import { Grant, ServiceActions, TagOnCreate, TypeActions } from '../types';
import { ec2, ec2Global, ENV_NAMES, ENV_SUFFIXED_NAMES, star } from './arns';

/** Create with tags, change and delete by tag: the shape of every EC2 resource with a generated id. */
const ec2Tagged = (sid: string, type: string, create: string[], change: string[]): Grant[] => [
  ...(create.length
    ? [{ sid: `${sid}Create`, actions: create, resources: [ec2(type)], condition: 'request-tag' as const }]
    : []),
  ...(change.length
    ? [{ sid: `${sid}Change`, actions: change, resources: [ec2(type)], condition: 'resource-tag' as const }]
    : []),
];
/** The parent resources a create or change touches (the VPC a subnet goes in), which must be this environment's. */
const ec2Parents = (sid: string, actions: string[], types: string[]): Grant => ({
  sid: `${sid}Parents`,
  actions,
  resources: types.map(ec2),
  condition: 'resource-tag',
});
const ec2Tags = (createAction: string, ...types: string[]): TagOnCreate[] => [
  { service: 'ec2', createAction, resources: types.map(ec2) },
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

export const EC2: ServiceActions = {
  'data.aws_availability_zones': { note: 'lists zones', grants: [star('Ec2Read', ['ec2:DescribeAvailabilityZones'])] },
  'data.aws_ami': { note: 'finds the baked Neo4j image by tags', grants: [star('Ec2Read', ['ec2:DescribeImages'])] },

  // -- network
  aws_vpc: {
    note: 'CreateVpc tagged; attributes; the provider also reads the default SG, NACL and main route table',
    grants: [
      ...ec2Tagged(
        'Vpc',
        'vpc',
        ['ec2:CreateVpc'],
        ['ec2:DeleteVpc', 'ec2:ModifyVpcAttribute', 'ec2:DescribeVpcAttribute'],
      ),
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
      ...ec2Tagged(
        'InternetGateway',
        'internet-gateway',
        ['ec2:CreateInternetGateway'],
        ['ec2:AttachInternetGateway', 'ec2:DetachInternetGateway', 'ec2:DeleteInternetGateway'],
      ),
      ec2Parents('InternetGateway', ['ec2:AttachInternetGateway', 'ec2:DetachInternetGateway'], ['vpc']),
      star('Ec2Read', ['ec2:DescribeInternetGateways']),
    ],
    tagOnCreate: ec2Tags('CreateInternetGateway', 'internet-gateway'),
  },
  aws_eip: {
    note: 'allocate tagged, release',
    grants: [
      ...ec2Tagged(
        'ElasticIp',
        'elastic-ip',
        ['ec2:AllocateAddress'],
        ['ec2:ReleaseAddress', 'ec2:DisassociateAddress'],
      ),
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
      ...ec2Tagged(
        'VpcEndpoint',
        'vpc-endpoint',
        ['ec2:CreateVpcEndpoint'],
        ['ec2:ModifyVpcEndpoint', 'ec2:DeleteVpcEndpoints'],
      ),
      ec2Parents(
        'VpcEndpoint',
        ['ec2:CreateVpcEndpoint', 'ec2:ModifyVpcEndpoint'],
        ['vpc', 'route-table', 'subnet', 'security-group'],
      ),
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
    passesRoles: [{ attribute: 'iam_role_arn', service: 'vpc-flow-logs.amazonaws.com' }],
  },
  aws_security_group: {
    note: 'create tagged in the tagged VPC; the provider revokes the default egress rule right after',
    names: { attributes: ['name', 'name_prefix'], patterns: [ENV_SUFFIXED_NAMES, ENV_NAMES] },
    grants: [
      ...ec2Tagged(
        'SecurityGroup',
        'security-group',
        ['ec2:CreateSecurityGroup'],
        [
          'ec2:DeleteSecurityGroup',
          'ec2:RevokeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupEgress',
          'ec2:AuthorizeSecurityGroupIngress',
          'ec2:AuthorizeSecurityGroupEgress',
          'ec2:ModifySecurityGroupRules',
          'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
          'ec2:UpdateSecurityGroupRuleDescriptionsEgress',
        ],
      ),
      ec2Parents('SecurityGroup', ['ec2:CreateSecurityGroup'], ['vpc']),
      star('Ec2Read', [
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSecurityGroupRules',
        'ec2:DescribeNetworkInterfaces',
      ]),
    ],
    tagOnCreate: ec2Tags('CreateSecurityGroup', 'security-group'),
  },
  aws_vpc_security_group_ingress_rule: securityGroupRule('Ingress'),
  aws_vpc_security_group_egress_rule: securityGroupRule('Egress'),

  // -- Neo4j hosts
  aws_network_interface: {
    note: 'the stable Bolt address: create tagged in a tagged subnet with tagged security groups',
    grants: [
      ...ec2Tagged(
        'NetworkInterface',
        'network-interface',
        ['ec2:CreateNetworkInterface'],
        [
          'ec2:DeleteNetworkInterface',
          'ec2:ModifyNetworkInterfaceAttribute',
          'ec2:AttachNetworkInterface',
          'ec2:DetachNetworkInterface',
        ],
      ),
      ec2Parents(
        'NetworkInterface',
        ['ec2:CreateNetworkInterface', 'ec2:ModifyNetworkInterfaceAttribute'],
        ['subnet', 'security-group'],
      ),
      star('Ec2Read', ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeNetworkInterfaceAttribute']),
    ],
    tagOnCreate: ec2Tags('CreateNetworkInterface', 'network-interface'),
  },
  aws_instance: {
    note: 'RunInstances tagged (instance, root volume) on a tagged ENI with a credex instance profile; stop/start/modify/terminate by tag',
    grants: [
      {
        sid: 'InstanceCreate',
        actions: ['ec2:RunInstances'],
        resources: [ec2('instance'), ec2('volume')],
        condition: 'request-tag',
      },
      {
        sid: 'InstanceParents',
        actions: ['ec2:RunInstances'],
        resources: [ec2('network-interface'), ec2('subnet'), ec2('security-group')],
        condition: 'resource-tag',
      },
      // Only the images the AMI command baked (the AMI marker tag), of this account.
      {
        sid: 'InstanceImage',
        actions: ['ec2:RunInstances'],
        resources: [ec2Global('image')],
        condition: { StringEquals: { 'ec2:Owner': '{account}', [`aws:ResourceTag/${AMI_MARKER_TAG}`]: AMI_MARKER } },
      },
      // The image's snapshots, where RunInstances checks them: this account's, untagged or the AMI command's.
      {
        sid: 'InstanceImageSnapshot',
        actions: ['ec2:RunInstances'],
        resources: [ec2Global('snapshot')],
        condition: {
          StringEquals: { 'ec2:Owner': '{account}' },
          StringEqualsIfExists: { [`aws:ResourceTag/${AMI_MARKER_TAG}`]: AMI_MARKER },
        },
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
    passesRoles: [{ attribute: 'iam_instance_profile', service: 'ec2.amazonaws.com', via: 'instance-profile' }],
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
      {
        sid: 'InstanceChange',
        actions: ['ec2:StopInstances', 'ec2:StartInstances'],
        resources: [ec2('instance')],
        condition: 'resource-tag',
      },
      star('Ec2Read', ['ec2:DescribeVolumes', 'ec2:DescribeInstances']),
    ],
  },
};
