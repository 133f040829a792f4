/**
 * THE "allowed on Resource *" list of the project, shared by the policy gate and the deployer-policy generator
 * (tools/iam): every Read or List action that AWS's service authorization reference defines without a resource
 * type (the generated part, written by `npm run build:policies` into UNSCOPABLE_ACTIONS_FILE), plus the reviewed
 * entries below, each with its reason. The gate's CDX-IAM-003 reads the rendered Rego set; the generator reads the
 * same committed set and the request-tag-scoped writes.
 */

/** The rendered set, relative to the repository root (policies/build/unscopable.ts writes it). */
export const UNSCOPABLE_ACTIONS_FILE = 'policies/rego/credex/lib/unscopable_actions.rego';

/** Writes AWS defines without a resource type that workloads need (ECS Exec, SSM agent, metrics, traces). */
export const UNSCOPABLE_WRITES: Readonly<Record<string, string>> = {
  'cloudwatch:putmetricdata':
    'custom metrics have no resource; scope with the cloudwatch:namespace condition if needed',
  'xray:puttracesegments': 'trace upload has no resource',
  'xray:puttelemetryrecords': 'trace telemetry has no resource',
  'ssmmessages:createcontrolchannel': 'ECS Exec / Session Manager channel',
  'ssmmessages:createdatachannel': 'ECS Exec / Session Manager channel',
  'ssmmessages:opencontrolchannel': 'ECS Exec / Session Manager channel',
  'ssmmessages:opendatachannel': 'ECS Exec / Session Manager channel',
  'ec2messages:acknowledgemessage': 'SSM agent messaging (AmazonSSMManagedInstanceCore)',
  'ec2messages:deletemessage': 'SSM agent messaging (AmazonSSMManagedInstanceCore)',
  'ec2messages:failmessage': 'SSM agent messaging (AmazonSSMManagedInstanceCore)',
  'ec2messages:sendreply': 'SSM agent messaging (AmazonSSMManagedInstanceCore)',
  'ecs:deregistertaskdefinition': 'AWS defines no resource type for it',
  'logs:createlogdelivery': "log delivery (WAF's request logs) has no resource type",
  'logs:deletelogdelivery': "log delivery (WAF's request logs) has no resource type",
};

/**
 * Permissions-management actions AWS defines without a resource type, allowed on "*" after review. Kept apart from
 * the writes so the exception stays visible: each lets its holder change who may write to the account's logs.
 */
export const UNSCOPABLE_PERMISSION_WRITES: Readonly<Record<string, string>> = {
  'logs:putresourcepolicy':
    "CloudWatch Logs resource policies are account-level (no resource type); WAF's log delivery to aws-waf-logs-credex-<env> needs one",
  'logs:deleteresourcepolicy': 'CloudWatch Logs resource policies are account-level (no resource type)',
};

/** Action patterns allowed on "*" after review: each covers reads only (a test checks that against AWS's data). */
export const REVIEWED_READ_PATTERNS: Readonly<Record<string, string>> = {
  'ec2:describe*': 'EC2 reads; the handful AWS can scope are attribute reads of resources the policy already names',
  'elasticloadbalancing:describe*': 'ELBv2 reads, none of which AWS scopes by resource',
  'application-autoscaling:describe*': 'Application Auto Scaling reads, none of which AWS scopes by resource',
};

/**
 * Writes AWS defines without a resource type that a policy may grant on "*" only under a request-tag condition
 * (the call must tag what it creates with the project and environment), so not in the rendered set: the gate's
 * CDX-IAM-003 already accepts "*" under a tag condition, and unconditioned they would reach every account resource.
 */
export const REQUEST_TAG_SCOPED_WRITES: Readonly<Record<string, string>> = {
  'dlm:createlifecyclepolicy':
    'DLM defines no resource type for it; the deployer creates the Neo4j backup policy only with its environment tags',
  'kms:createkey':
    'KMS defines no resource type for it; the deployer creates the environment key only with its environment tags',
};

/** The actions (and patterns) of a rendered Rego set, as policies/build/unscopable.ts renders them. */
export function parseUnscopableRego(text: string): string[] {
  const body = /^unscopable_actions := \{\n([\s\S]*?)^\}$/m.exec(text);
  if (!body) throw new Error('unscopable_actions.rego: no "unscopable_actions := {" set; run npm run build:policies');
  return body[1]
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line.trim().replace(/,$/, '')) as string);
}
