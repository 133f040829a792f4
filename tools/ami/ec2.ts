import { EC2Client } from '@aws-sdk/client-ec2';
import { AmiError, fromAwsError } from './errors';

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

/**
 * Awaits one EC2 call: SDK failures become one-line AmiErrors (unreachable, credentials, AWS error code), and an
 * answer without a request id (some other HTTP server behind the endpoint, answering 200) is refused rather than
 * read as "nothing found".
 */
export async function call<T extends { $metadata: { requestId?: string } }>(
  promise: Promise<T>,
  where: string,
  endpoint: string,
): Promise<T> {
  let res: T;
  try {
    res = await promise;
  } catch (e) {
    throw fromAwsError(e, where, endpoint);
  }
  if (!res.$metadata.requestId)
    throw new AmiError(`${endpoint} did not answer like the EC2 API during ${where} (no request id)`);
  return res;
}
