import { EC2Client } from '@aws-sdk/client-ec2';

export interface AwsTarget {
  readonly region: string;
  /** Endpoint override (moto, LocalStack, a VPC endpoint); default: the regional EC2 endpoint. */
  readonly endpoint?: string;
}

/** One EC2 client per command: bounded retries and timeouts so an unreachable endpoint fails in seconds. */
export function ec2Client(target: AwsTarget): EC2Client {
  return new EC2Client({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

/** The endpoint as users would recognise it, for messages. */
export function endpointLabel(target: AwsTarget): string {
  return target.endpoint ?? `https://ec2.${target.region}.amazonaws.com`;
}
