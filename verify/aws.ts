/** AWS SDK v3 client settings with the endpoint override every client takes (for moto/LocalStack). */
export interface AwsClientOptions {
  readonly region: string;
  readonly endpointUrl?: string;
}

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

/**
 * Client config: region, and with an endpoint override also dummy credentials when the environment has none
 * (emulators accept any). Without an override the SDK's default credential chain applies (OIDC role in CI).
 */
export function awsClientConfig(options: AwsClientOptions): AwsClientConfig {
  const config: AwsClientConfig = { region: options.region, maxAttempts: 3 };
  if (options.endpointUrl) {
    config.endpoint = options.endpointUrl;
    if (!process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE) {
      config.credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    }
  }
  return config;
}

/** The region verify talks to: the stack's region output, then the environment's config, then AWS_REGION. */
export function resolveRegion(outputRegion: string | undefined, configRegion: string | undefined): string {
  return outputRegion ?? configRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** An AWS SDK error's name (e.g. ResourceNotFoundException, ExpiredTokenException). */
export function awsErrorName(err: unknown): string {
  return (err as { name?: string })?.name ?? 'Error';
}

/** The failure kind of an AWS SDK error: credentials problems are `auth`, network errors `refused`. */
export function awsErrorKind(err: unknown): 'auth' | 'expired-credentials' | 'missing' | 'refused' | 'error' {
  const name = awsErrorName(err);
  if (/ExpiredToken|RequestExpired/.test(name)) return 'expired-credentials';
  if (
    /AccessDenied|UnrecognizedClient|InvalidClientTokenId|CredentialsProviderError|InvalidSignature|SignatureDoesNotMatch/.test(
      name,
    )
  )
    return 'auth';
  if (/NotFound/.test(name)) return 'missing';
  const code = (err as { code?: string })?.code;
  if (code && /^E(CONNREFUSED|NOTFOUND|AI_AGAIN|HOSTUNREACH)$/.test(code)) return 'refused';
  return 'error';
}
