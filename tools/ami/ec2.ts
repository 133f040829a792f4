import { EC2Client } from '@aws-sdk/client-ec2';
import { boundClient, boundedRequestHandler } from '../../lib/bounded-aws';
import { AmiError, fromAwsError } from './errors';

export interface AwsTarget {
  readonly region: string;
  /** Endpoint override (moto, LocalStack, a VPC endpoint); default: the regional EC2 endpoint. */
  readonly endpoint?: string;
}

/**
 * Per-call bounds of the AMI command's EC2 calls: 5 s to connect, 30 s to the answer's headers and again to its body,
 * 8 MiB of body at most; an overdue request fails (the SDK would only warn by default).
 */
export const EC2_BOUNDS = { connectionTimeoutMs: 5_000, requestTimeoutMs: 30_000, maxBodyBytes: 8 * 1024 * 1024 };

/**
 * One EC2 client per command: bounded retries, request timeouts that fail instead of warning, bodies read through a
 * size limit, and with `signal` (the command's total deadline) every call aborted when it fires.
 */
export function ec2Client(target: AwsTarget, signal?: AbortSignal): EC2Client {
  return boundClient(
    new EC2Client({
      region: target.region,
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      maxAttempts: 3,
      requestHandler: boundedRequestHandler(EC2_BOUNDS),
    }),
    signal,
    EC2_BOUNDS,
  );
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
    throw new AmiError({
      kind: 'failed',
      message: `${endpoint} did not answer like the EC2 API during ${where} (no request id)`,
    });
  return res;
}
