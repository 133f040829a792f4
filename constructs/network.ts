import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';
import { vpcLogGroupName } from '../contracts/naming';
import { ServiceRole } from './iam-role';

export interface NetworkProps {
  /** Prefix of every name, e.g. credex-staging. */
  readonly namePrefix: string;
  readonly region: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  /** One public subnet per availability zone: only the load balancer and the NAT gateways live there. */
  readonly publicSubnetCidrs: readonly string[];
  /** One private subnet per availability zone: ECS tasks and the Neo4j hosts. */
  readonly privateSubnetCidrs: readonly string[];
  /**
   * NAT gateways: 1 shares one gateway between the AZs (cheaper), one per AZ survives an AZ outage.
   * @default 1
   */
  readonly natGateways?: number;
  /** @default 30 */
  readonly flowLogRetentionDays?: number;
  /** Customer-managed KMS key of the flow-log group. @default - CloudWatch Logs' own encryption */
  readonly kmsKeyArn?: string;
  readonly permissionsBoundaryArn: string;
}

/**
 * The environment's VPC: public subnets for the load balancer, private subnets for everything else,
 * egress through NAT (the API calls third-party APIs, so it needs the internet anyway), an S3 gateway endpoint
 * so ECR image layers do not pay NAT data charges, a default security group with no rules, and flow logs.
 */
export class Network extends Construct {
  public readonly vpc: Vpc;
  public readonly publicSubnets: Subnet[];
  public readonly privateSubnets: Subnet[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const zones = props.availabilityZones;
    const natCount = props.natGateways ?? 1;
    if (zones.length < 2) throw new Error(`Network ${id}: availabilityZones needs at least two zones`);
    if (props.publicSubnetCidrs.length !== zones.length || props.privateSubnetCidrs.length !== zones.length) {
      throw new Error(`Network ${id}: publicSubnetCidrs and privateSubnetCidrs need one CIDR per availability zone`);
    }
    if (natCount < 1 || natCount > zones.length) {
      throw new Error(`Network ${id}: natGateways must be between 1 and ${zones.length}, got ${natCount}`);
    }
    const name = props.namePrefix;

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${name}-vpc` },
    });
    // The default group is attached to anything launched without one: leave it with no rules at all.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id, tags: { Name: `${name}-default-closed` } });

    const igw = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: { Name: `${name}-igw` } });
    const publicRoutes = new RouteTable(this, 'public-routes', {
      vpcId: this.vpc.id,
      tags: { Name: `${name}-public` },
    });
    new Route(this, 'public-default-route', {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });

    this.publicSubnets = zones.map((az, i) => {
      const subnet = new Subnet(this, `public-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: props.publicSubnetCidrs[i],
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${az}`, Tier: 'public' },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
      return subnet;
    });

    const nats = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `nat-${i}-ip`, { domain: 'vpc', tags: { Name: `${name}-nat-${i}` } });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.id,
        subnetId: this.publicSubnets[i].id,
        tags: { Name: `${name}-nat-${i}` },
        dependsOn: [igw],
      });
    });

    const privateRouteTables: RouteTable[] = [];
    this.privateSubnets = zones.map((az, i) => {
      const subnet = new Subnet(this, `private-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: props.privateSubnetCidrs[i],
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-private-${az}`, Tier: 'private' },
      });
      const routes = new RouteTable(this, `private-${i}-routes`, {
        vpcId: this.vpc.id,
        tags: { Name: `${name}-private-${az}` },
      });
      new Route(this, `private-${i}-default-route`, {
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: nats[i % natCount].id,
      });
      new RouteTableAssociation(this, `private-${i}-association`, { subnetId: subnet.id, routeTableId: routes.id });
      privateRouteTables.push(routes);
      return subnet;
    });

    // Free gateway endpoint: ECR stores image layers in S3, so pulls skip the NAT's per-GB charge.
    new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: privateRouteTables.map((t) => t.id),
      tags: { Name: `${name}-s3` },
    });

    const flowLogGroup = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: vpcLogGroupName(name, 'flow-logs'),
      retentionInDays: props.flowLogRetentionDays ?? 30,
      kmsKeyId: props.kmsKeyArn,
    });
    const flowLogRole = new ServiceRole(this, 'flow-log-role', {
      name: `${name}-flow-logs`,
      servicePrincipal: 'vpc-flow-logs.amazonaws.com',
      permissionsBoundaryArn: props.permissionsBoundaryArn,
      statements: [
        {
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [`${flowLogGroup.arn}:*`],
        },
      ],
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      // Accepted traffic too: "which hosts talked to the database" is the question an incident asks.
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.role.arn,
      // Ten minutes: a long-lived connection (Bolt pools, the SSM and log agents) is one record per ten minutes
      // instead of one a minute; who talked to whom, when within ten minutes, is what an incident review needs.
      // The estimate and the choice: docs/deployer-guide.md, "VPC flow logs: volume and cost".
      maxAggregationInterval: 600,
    });
  }
}
