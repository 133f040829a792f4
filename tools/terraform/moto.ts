import type { PlanArtefact } from './plan-diff';
import type { SchemaGap } from './schema-gaps';

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
 * The reviewed list for moto 5.2.5 (dev/setup-tools.sh pins it). The rehearsal test (moto lifecycle) asserts that what the copy
 * leaves out is exactly these types and what references them, and that each entry still leaves something out.
 * Both answer HTTP 500, which the provider takes for a transient AWS fault and retries until the create times out
 * (the "provider errors" of the first try: an apply that never ends rather than a clear refusal).
 */
export const MOTO_EXCLUSIONS: readonly MotoExclusion[] = [
  {
    type: 'aws_dlm_lifecycle_policy',
    reason:
      'moto 5.2.5 has no DLM service: CreateLifecyclePolicy (POST /policies) answers HTTP 500 (no backend for dlm.<region>.amazonaws.com)',
  },
  {
    type: 'aws_appautoscaling_target',
    reason:
      "moto 5.2.5's Application Auto Scaling lacks ListTagsForResource (HTTP 500 NotImplementedError), which the provider calls to read every target's tags",
  },
];

/**
 * Attributes moto cannot serve on a resource it otherwise serves: set aside in the moto copy only (the validate copy
 * keeps them), so the resource and everything that depends on it still apply. Checked like MOTO_EXCLUSIONS.
 */
export const MOTO_SET_ASIDE: readonly SchemaGap[] = [
  {
    path: 'aws_instance.monitoring',
    reason:
      "detailed monitoring: moto 5.2.5 does not implement MonitorInstances (HTTP 500 NotImplementedError), which the provider retries until the instance's create times out; the hosts apply with basic monitoring against moto",
  },
];

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

/**
 * What the second plan after a moto apply shows that moto causes, not the stack: arguments moto does not keep or does
 * not return, so the provider reads them back empty and plans to set them again (evidence: moto 5.2.5's models). The
 * rehearsal test fails on any other change, and on an entry no change needs any more.
 */
export const MOTO_PLAN_ARTEFACTS: readonly PlanArtefact[] = [
  ...['enable_execute_command', 'health_check_grace_period_seconds', 'availability_zone_rebalancing'].map(
    (attribute) => ({
      type: 'aws_ecs_service',
      attribute,
      reason:
        "moto's ECS Service model (moto/ecs/models.py) keeps neither enableExecuteCommand, healthCheckGracePeriodSeconds nor availabilityZoneRebalancing: DescribeServices leaves them out",
    }),
  ),
  {
    type: 'aws_lambda_function',
    attribute: 'logging_config',
    reason: "moto's Lambda model (moto/awslambda/models.py) does not keep LoggingConfig: GetFunction leaves it out",
  },
  ...['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'].map((type) => ({
    type,
    attribute: 'description',
    onlyWith: 'referenced_security_group_id',
    reason:
      "moto's security group rule (moto/ec2/models/security_groups.py) reads Description from the CIDR range only: a rule that references a group comes back without its description",
  })),
];
