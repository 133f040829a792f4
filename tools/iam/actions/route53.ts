/**
 * Route 53: the API's alias record in the environment's hosted zone (config loadBalancer.hostedZoneId), scoped to that
 * zone: {hostedZone} is filled with the record's own literal zone_id, so an environment's deployer changes records of
 * its own zone only. GetChange waits for the change to be INSYNC; a change id has no zone in its ARN.
 */
import { ServiceActions } from '../types';

export const ROUTE53: ServiceActions = {
  aws_route53_record: {
    note: "the API's alias record: created, read back and waited for in the environment's own hosted zone",
    grants: [
      {
        sid: 'DnsRecord',
        actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:GetHostedZone'],
        resources: ['arn:{partition}:route53:::hostedzone/{hostedZone}'],
      },
      { sid: 'DnsChange', actions: ['route53:GetChange'], resources: ['arn:{partition}:route53:::change/*'] },
    ],
  },
};
