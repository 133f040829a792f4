import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Construct } from 'constructs';

export interface ApiDnsRecordProps {
  /** Route 53 hosted zone that holds `recordName`, e.g. Z0123456789ABCDEFGHIJ (a literal id: the deployer's route53 grants are scoped to it). */
  readonly hostedZoneId: string;
  /** The API's public name, e.g. api.mycredex.app. */
  readonly recordName: string;
  /** The load balancer's DNS name (aws_lb.dns_name). */
  readonly loadBalancerDnsName: string;
  /** The load balancer's canonical hosted zone (aws_lb.zone_id), which an alias to it names. */
  readonly loadBalancerZoneId: string;
  /**
   * Let Route 53 answer only while the load balancer has healthy targets.
   * @default true
   */
  readonly evaluateTargetHealth?: boolean;
}

/**
 * The API's name as an A alias record to the environment's load balancer. An alias (not a CNAME) also works at a
 * zone apex, costs no queries and follows the load balancer's changing addresses; the record's name is the one the
 * API URL output and the certificate use, so verify's dns step checks the name clients resolve. `allow_overwrite` is
 * left false: an existing record of that name (the old system's) stops the apply instead of being taken over
 * silently; import it first (docs/deployer-guide.md section 5).
 */
export class ApiDnsRecord extends Construct {
  public readonly record: Route53Record;

  constructor(scope: Construct, id: string, props: ApiDnsRecordProps) {
    super(scope, id);
    if (!/^[A-Z0-9]{1,32}$/.test(props.hostedZoneId))
      throw new Error(
        `ApiDnsRecord ${id}: hostedZoneId must be a Route 53 zone id such as Z0123456789ABC, got "${props.hostedZoneId}"`,
      );
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(props.recordName))
      throw new Error(`ApiDnsRecord ${id}: recordName must be a lower-case DNS name, got "${props.recordName}"`);
    this.record = new Route53Record(this, 'record', {
      zoneId: props.hostedZoneId,
      name: props.recordName,
      type: 'A',
      allowOverwrite: false,
      alias: {
        name: props.loadBalancerDnsName,
        zoneId: props.loadBalancerZoneId,
        evaluateTargetHealth: props.evaluateTargetHealth ?? true,
      },
    });
  }
}
