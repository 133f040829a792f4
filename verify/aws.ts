/** AWS SDK v3 client settings with the endpoint override every client takes (for moto/LocalStack). */
import { boundClient, boundedRequestHandler } from '../lib/bounded-aws';
import { networkProblem } from '../lib/network-errors';

/** Per-request bounds of verify's AWS calls (the step's deadline bounds them all together). */
export const VERIFY_AWS_BOUNDS = {
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  maxBodyBytes: 8 * 1024 * 1024,
};

export interface AwsClientOptions {
  readonly region: string;
  readonly endpointUrl?: string;
}

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  requestHandler: ReturnType<typeof boundedRequestHandler>;
}

/**
 * Client config: region, and with an endpoint override also dummy credentials when the environment has none
 * (emulators accept any). Without an override the SDK's default credential chain applies (OIDC role in CI).
 */
export function awsClientConfig(options: AwsClientOptions): AwsClientConfig {
  const config: AwsClientConfig = {
    region: options.region,
    maxAttempts: 3,
    requestHandler: boundedRequestHandler(VERIFY_AWS_BOUNDS),
  };
  if (options.endpointUrl) {
    config.endpoint = options.endpointUrl;
    if (!process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE) {
      config.credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    }
  }
  return config;
}

/**
 * A client of `Client` with verify's config, bounded (lib/bounded-aws.ts): every call ends when `signal` (the step's
 * deadline) fires, and no response body larger than VERIFY_AWS_BOUNDS.maxBodyBytes is read.
 */
export function awsClient<C>(
  Client: new (config: AwsClientConfig) => C,
  options: AwsClientOptions,
  signal: AbortSignal | undefined,
): C {
  return boundClient(new Client(awsClientConfig(options)), signal, VERIFY_AWS_BOUNDS);
}

/** The region verify talks to: the stack's region output, then the environment's config, then AWS_REGION. */
export function resolveRegion(outputRegion: string | undefined, configRegion: string | undefined): string {
  return outputRegion ?? configRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** An AWS SDK error's name (e.g. ResourceNotFoundException, ExpiredTokenException). */
export function awsErrorName(err: unknown): string {
  return (err as { name?: string })?.name ?? 'Error';
}

/**
 * The failure kind of an AWS SDK error: credentials problems are `auth`; network errors are classified by code
 * (lib/network-errors.ts): `refused`, `timeout` or `tls`.
 */
export function awsErrorKind(
  err: unknown,
): 'auth' | 'expired-credentials' | 'missing' | 'refused' | 'timeout' | 'tls' | 'too-large' | 'error' {
  const name = awsErrorName(err);
  if (name === 'ResponseTooLarge') return 'too-large';
  const network = networkProblem(err);
  if (network) return network.kind;
  if (/ExpiredToken|RequestExpired/.test(name)) return 'expired-credentials';
  if (
    /AccessDenied|UnrecognizedClient|InvalidClientTokenId|CredentialsProviderError|InvalidSignature|SignatureDoesNotMatch/.test(
      name,
    )
  )
    return 'auth';
  if (/NotFound/.test(name)) return 'missing';
  return 'error';
}
