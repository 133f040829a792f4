import { DataAwsAcmCertificate } from '@cdktf/provider-aws/lib/data-aws-acm-certificate';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { waive } from '../contracts/waivers';
import { AccessLogBucket } from './log-bucket';

/** TLS 1.2 and 1.3 only, forward secrecy: the ELB policy AWS recommends. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

export interface LoadBalancerProps {
  /** Prefix of every name, e.g. credex-staging (ALB names are limited to 32 characters). */
  readonly namePrefix: string;
  readonly vpc: Vpc;
  /** Public subnets: the load balancer is the only thing that lives there. */
  readonly publicSubnets: readonly Subnet[];
  /** Port the API container listens on. */
  readonly targetPort: number;
  /** Health check path of the API, e.g. /health. */
  readonly healthCheckPath: string;
  /** HTTP status of a healthy answer of the health path. @default 200 */
  readonly healthCheckStatus?: number;
  /**
   * ACM certificate: adds an HTTPS listener and turns the HTTP listener into a redirect.
   * @default - the newest ISSUED certificate for `domainName`, if given; else HTTP only
   */
  readonly certificateArn?: string;
  /**
   * Public name of the API: without `certificateArn`, its ISSUED ACM certificate is looked up at plan time.
   * @default - none
   */
  readonly domainName?: string;
  /**
   * Why this load balancer may serve plain HTTP: required when there is neither certificate nor domain, and
   * recorded as the waiver of the policy finding on the forwarding HTTP listener (CDX-LB-001).
   * @default - none (then a certificate or a domain is required)
   */
  readonly httpOnlyReason?: string;
  /** @default false */
  readonly deletionProtection?: boolean;
  /** @default 30 */
  readonly accessLogRetentionDays?: number;
  /**
   * ECS native blue/green: adds the alternate target group, a production listener rule that forwards to both target
   * groups by weight (ECS moves the weights), and a test listener on this port whose rule reaches the green tasks
   * before the shift. The test port is not opened in the security group: only what an operator or a lifecycle hook
   * adds may reach it.
   * @default - none (rolling deployments behind the one target group)
   */
  readonly blueGreen?: { readonly testListenerPort: number };
}

/** The load-balancer side of an ECS native blue/green deployment (`advanced_configuration` of the service). */
export interface BlueGreenRouting {
  /** Target group of the new revision during a deployment (green); ECS alternates the two across deployments. */
  readonly alternateTargetGroup: LbTargetGroup;
  /** Rule on the forwarding listener that carries production traffic, weighted over both target groups. */
  readonly productionListenerRule: LbListenerRule;
  /** The test listener and its rule, which reach green before production traffic shifts. */
  readonly testListener: LbListener;
  readonly testListenerRule: LbListenerRule;
}

/**
 * Internet-facing application load balancer in the public subnets, with its own security group (80/443 from
 * anywhere, nothing else), access logs to a private S3 bucket, invalid header fields dropped, and a target group
 * that health-checks the API. With a certificate, HTTP only redirects to HTTPS (TLS 1.2+).
 */
export class LoadBalancer extends Construct {
  public readonly loadBalancer: Lb;
  public readonly securityGroup: SecurityGroup;
  public readonly targetGroup: LbTargetGroup;
  /** The listener that forwards to the target group (HTTPS when there is a certificate). */
  public readonly forwardingListener: LbListener;
  public readonly accessLogs: AccessLogBucket;
  /** Scheme the API is reachable on. */
  public readonly protocol: 'http' | 'https';
  /** Blue/green routing, when `blueGreen` is set. */
  public readonly blueGreen?: BlueGreenRouting;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const name = props.namePrefix;
    if (`${name}-alb`.length > 32)
      throw new Error(`LoadBalancer ${id}: namePrefix "${name}" makes names over 32 characters`);
    if (!props.healthCheckPath.startsWith('/')) {
      throw new Error(`LoadBalancer ${id}: healthCheckPath must start with "/", got "${props.healthCheckPath}"`);
    }
    const certificateArn =
      props.certificateArn ??
      (props.domainName
        ? new DataAwsAcmCertificate(this, 'certificate', {
            domain: props.domainName,
            statuses: ['ISSUED'],
            mostRecent: true,
          }).arn
        : undefined);
    if (!certificateArn && !props.httpOnlyReason?.trim()) {
      throw new Error(
        `LoadBalancer ${id}: without certificateArn or domainName, httpOnlyReason must say why plain HTTP is acceptable`,
      );
    }
    this.protocol = certificateArn ? 'https' : 'http';

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${name}-alb`,
      description: 'credex-core load balancer: HTTP/HTTPS from the internet',
      vpcId: props.vpc.id,
      tags: { Name: `${name}-alb` },
    });
    const openPorts = certificateArn ? [80, 443] : [80];
    for (const port of openPorts) {
      for (const [family, cidr] of [
        ['ipv4', '0.0.0.0/0'],
        ['ipv6', '::/0'],
      ] as const) {
        new VpcSecurityGroupIngressRule(this, `ingress-${port}-${family}`, {
          securityGroupId: this.securityGroup.id,
          description: `port ${port} from the internet (${family})`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          ...(family === 'ipv4' ? { cidrIpv4: cidr } : { cidrIpv6: cidr }),
        });
      }
    }
    // Egress only to the VPC (the targets); the ALB never opens connections to the internet.
    new VpcSecurityGroupEgressRule(this, 'egress-to-targets', {
      securityGroupId: this.securityGroup.id,
      description: 'to the API tasks',
      ipProtocol: 'tcp',
      fromPort: props.targetPort,
      toPort: props.targetPort,
      cidrIpv4: props.vpc.cidrBlock,
    });

    const logPrefix = 'alb';
    this.accessLogs = new AccessLogBucket(this, 'access-logs', {
      bucketPrefix: `${name}-alb-logs-`,
      retentionDays: props.accessLogRetentionDays ?? 30,
      logPrefix,
    });

    this.loadBalancer = new Lb(this, 'alb', {
      name: `${name}-alb`,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [this.securityGroup.id],
      subnets: props.publicSubnets.map((s) => s.id),
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? false,
      accessLogs: { bucket: this.accessLogs.bucket.bucket, prefix: logPrefix, enabled: true },
      dependsOn: [this.accessLogs.policy],
    });

    const targetGroupProps = (tgName: string) => ({
      name: tgName,
      port: props.targetPort,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: props.vpc.id,
      deregistrationDelay: '30',
      healthCheck: {
        enabled: true,
        path: props.healthCheckPath,
        matcher: String(props.healthCheckStatus ?? 200),
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    this.targetGroup = new LbTargetGroup(this, 'targets', targetGroupProps(`${name}-api`));

    const forward = [{ type: 'forward', targetGroupArn: this.targetGroup.arn }];
    if (certificateArn) {
      this.forwardingListener = new LbListener(this, 'https', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: TLS_POLICY,
        certificateArn,
        defaultAction: forward,
      });
      new LbListener(this, 'http', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
      });
    } else {
      this.forwardingListener = new LbListener(this, 'http', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: forward,
      });
      waive(this.forwardingListener, { rule: 'CDX-LB-001', reason: props.httpOnlyReason! });
    }

    if (props.blueGreen) {
      const port = props.blueGreen.testListenerPort;
      if (!Number.isInteger(port) || port < 1 || port > 65535 || port === 80 || port === 443) {
        throw new Error(
          `LoadBalancer ${id}: blueGreen.testListenerPort must be a port other than 80 and 443, got ${port}`,
        );
      }
      const alternate = new LbTargetGroup(this, 'tg-alternate', targetGroupProps(`${name}-api-alt`));
      // ECS rewrites the weights at every deployment (blue 100 / green 0, then the reverse): Terraform must not put
      // them back, so the rules' actions are ECS's after creation.
      const weighted = (primaryWeight: number) => [
        {
          type: 'forward',
          forward: {
            targetGroup: [
              { arn: this.targetGroup.arn, weight: primaryWeight },
              { arn: alternate.arn, weight: 100 - primaryWeight },
            ],
          },
        },
      ];
      const everything = [{ pathPattern: { values: ['/*'] } }];
      const productionRule = new LbListenerRule(this, 'production-rule', {
        listenerArn: this.forwardingListener.arn,
        priority: 1,
        action: weighted(100),
        condition: everything,
        lifecycle: { ignoreChanges: ['action'] },
      });
      const testListener = new LbListener(this, 'test', {
        loadBalancerArn: this.loadBalancer.arn,
        port,
        protocol: certificateArn ? 'HTTPS' : 'HTTP',
        ...(certificateArn ? { sslPolicy: TLS_POLICY, certificateArn } : {}),
        defaultAction: [{ type: 'forward', targetGroupArn: alternate.arn }],
      });
      if (!certificateArn) waive(testListener, { rule: 'CDX-LB-001', reason: props.httpOnlyReason! });
      const testRule = new LbListenerRule(this, 'test-rule', {
        listenerArn: testListener.arn,
        priority: 1,
        action: weighted(0),
        condition: everything,
        lifecycle: { ignoreChanges: ['action'] },
      });
      this.blueGreen = {
        alternateTargetGroup: alternate,
        productionListenerRule: productionRule,
        testListener,
        testListenerRule: testRule,
      };
    }
  }
}
