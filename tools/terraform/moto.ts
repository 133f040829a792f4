/**
 * Pointing a local copy at a moto server: the provider's endpoints and skip flags, the environment of the terraform
 * process (and of the AMI command its local-exec runs), and the reviewed list of what moto cannot serve.
 */

/** The AWS provider's `endpoints` keys of every service the stacks' resources and data sources call. */
export const MOTO_SERVICES = [
  'acm',
  'appautoscaling',
  'cloudtrail',
  'cloudwatch',
  'dlm',
  'ec2',
  'ecr',
  'ecs',
  'elbv2',
  'events',
  'iam',
  'kms',
  'lambda',
  'logs',
  's3',
  'secretsmanager',
  'sns',
  'sts',
  'wafv2',
] as const;

/** A resource type moto cannot serve, kept out of the moto copy with what depends on it. */
export interface MotoExclusion {
  readonly type: string;
  /** What moto does with it (its answer, or the missing service), with the evidence. */
  readonly reason: string;
}

/**
 * The reviewed list for moto 5.2.5 (dev/setup-tools.sh pins it). The lifecycle test asserts that what the copy
 * leaves out is exactly these types and what references them, and that each entry still leaves something out.
 */
export const MOTO_EXCLUSIONS: readonly MotoExclusion[] = [];

/** Dummy credentials: a moto copy never signs with real ones. */
export const MOTO_CREDENTIALS = { accessKey: 'testing', secretKey: 'testing' } as const;

/** The provider settings a moto copy adds to `provider.aws[0]`. */
export function motoProviderSettings(endpoint: string): Record<string, unknown> {
  return {
    access_key: MOTO_CREDENTIALS.accessKey,
    secret_key: MOTO_CREDENTIALS.secretKey,
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    s3_use_path_style: true,
    endpoints: [Object.fromEntries(MOTO_SERVICES.map((service) => [service, endpoint]))],
  };
}

/**
 * Environment of the terraform process against moto: dummy credentials, no profile, and every AWS SDK client pointed
 * at moto (the AMI command the bake's local-exec runs reads AWS_ENDPOINT_URL_EC2 like any SDK v3 client).
 */
export function motoEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKey,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretKey,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_EC2: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
