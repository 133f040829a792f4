/**
 * The resource naming scheme, in one place. The constructs name their resources with these functions, and the
 * deployer-policy generator (tools/iam/actions/) derives its name and ARN globs from the same functions, called
 * with ANY ('*') for the free part and ENV ('{env}', filled per environment by the generator). So a name and the
 * permission that covers it cannot drift apart.
 *
 * Every synthesized name must stay exactly as it is: renaming a physical name replaces the resource (and a
 * stateful one loses its data).
 */

/** The project, first in every name. */
export const PROJECT = 'credex';
/** The API (its ECS service, container, roles and secrets), and the shared ECR repository. */
export const API_NAME = `${PROJECT}-core`;

/** Glob placeholders: ANY matches any part of a name; ENV is an environment, filled in by the generator. */
export const ANY = '*';
export const ENV = '{env}';

// ---- per environment: credex-<env>-<what> and credex-<what>-<env> ------------------------------------------------

/** `credex-<env>`: the prefix of the environment's network, load balancer and Neo4j names; its dashboard. */
export const envPrefix = (env: string): string => `${PROJECT}-${env}`;
/** `credex-<env>-<what>`: network, load balancer, Neo4j hosts, alarms, instance profiles. */
export const envName = (what: string, env: string): string => `${envPrefix(env)}-${what}`;
/** `credex-<what>-<env>`: ECS names (cluster, service, task family) and the alarm topic. */
export const envSuffixedName = (what: string, env: string): string => `${PROJECT}-${what}-${env}`;
/** `credex-core-<what>-<env>`: the API's roles, security group, service and scaling policy. */
export const coreName = (what: string, env: string): string => envSuffixedName(`core-${what}`, env);
/** `credex-core-<env>`: the API's task definition family (and its log group). */
export const coreFamily = (env: string): string => envSuffixedName('core', env);
/** `credex-cluster-<env>`. */
export const clusterName = (env: string): string => envSuffixedName('cluster', env);
/** `credex-alarms-<env>`: the SNS topic every alarm of the environment notifies. */
export const alarmTopicName = (env: string): string => envSuffixedName('alarms', env);
/** `credex-<env>-<what>`: a CloudWatch alarm. */
export const alarmName = (what: string, env: string): string => envName(what, env);
/** `credex-<env>`: the environment's dashboard. */
export const dashboardName = (env: string): string => envPrefix(env);
/** `credex-<env>-neo4j-<space>`: a Neo4j host (instance, role, profile, security group, interface). */
export const neo4jHostName = (env: string, space: string): string => envName(`neo4j-${space}`, env);
/** `credex-<env>-neo4j-backups`: the role DLM snapshots the Neo4j data volumes with. */
export const neo4jBackupsRoleName = (env: string): string => envName('neo4j-backups', env);
/** `credex-<env>-neo4j-ami-builder`: the AMI builder's role and instance profile. */
export const neo4jAmiBuilderName = (env: string): string => envName('neo4j-ami-builder', env);
/** `<role>-policy`: the inline policy of a role. */
export const inlinePolicyName = (roleName: string): string => `${roleName}-policy`;

// ---- log groups -------------------------------------------------------------------------------------------------

/** `/ecs/<family>`: the log group of an ECS task family. */
export const ecsLogGroupName = (family: string): string => `/ecs/${family}`;
/** `/vpc/<prefix>/<what>`, e.g. /vpc/credex-staging/flow-logs (prefix: envPrefix). */
export const vpcLogGroupName = (prefix: string, what: string): string => `/vpc/${prefix}/${what}`;
/** `/credex/<env>/<what>`: the environment's other log groups (none today; the deployer may create them). */
export const envLogGroupName = (what: string, env: string): string => `/${PROJECT}/${env}/${what}`;

// ---- secrets ----------------------------------------------------------------------------------------------------

/** `credex-core/<env>/<what>`: the API's secrets. */
export const coreSecretName = (what: string, env: string): string => `${API_NAME}/${env}/${what}`;
/** `credex-core/<env>/app`: the API's secret whose values the deploy workflow writes. */
export const appSecretName = (env: string): string => coreSecretName('app', env);
/** `credex/<env>/<what>`: the environment's other secrets. */
export const envSecretName = (what: string, env: string): string => `${PROJECT}/${env}/${what}`;
/** `credex/<env>/neo4j/<space>`: a Neo4j host's own admin credentials. */
export const neo4jPasswordSecretName = (env: string, space: string): string => envSecretName(`neo4j/${space}`, env);

// ---- secrets, keys and alerts (issue 11) ---------------------------------------------------------------------------

// ---- container images (the shared ECR repository) -------------------------------------------------------------------

/**
 * `deployed-<env>-`: the prefix of the extra tag the deploy workflow gives the image it deploys to an environment
 * (.github/workflows/scripts/tag-deployed-image.sh); the repository's lifecycle rule keeps each environment's
 * newest deployed images whatever the other environment pushes (constructs/registry.ts).
 */
export const deployedImageTagPrefix = (env: string): string => `deployed-${env}-`;
/** The deployed tag of `tag` in `env`, e.g. deployed-production-3f2c...; ECR tags are at most 128 characters. */
export const deployedImageTag = (env: string, tag: string): string => `${deployedImageTagPrefix(env)}${tag}`;

/** `alias/credex-<env>`: the environment's customer-managed KMS key. */
export const kmsAliasName = (env: string): string => `alias/${envPrefix(env)}`;
/** `credex-<env>-neo4j-rotation`: the Lambda function (and its role) that rotates the Neo4j passwords. */
export const neo4jRotationName = (env: string): string => envName('neo4j-rotation', env);
/** `/aws/lambda/<function>`: the log group Lambda writes a function's logs to (the name is fixed by Lambda). */
export const lambdaLogGroupName = (functionName: string): string => `/aws/lambda/${functionName}`;
/** `credex-<env>-secret-reads`: the EventBridge rule that alerts on unexpected reads of the environment's secrets. */
export const secretReadRuleName = (env: string): string => envName('secret-reads', env);
/** `credex-<env>-waf`: the web ACL in front of the load balancer (and its metrics). */
export const wafName = (env: string): string => envName('waf', env);
/** `aws-waf-logs-credex-<env>`: WAF logs only to log groups whose name starts with aws-waf-logs-. */
export const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';
export const wafLogGroupName = (env: string): string => `${WAF_LOG_GROUP_PREFIX}${envPrefix(env)}`;

// ---- Terraform state --------------------------------------------------------------------------------------------

/** `credex-infra/<stack>.tfstate`: the stack's key in the state bucket. */
export const stateKey = (stack: string): string => `${PROJECT}-infra/${stack}.tfstate`;
/** The S3-native lock object next to the state (`<key>.tflock`). */
export const stateLockKey = (stack: string): string => `${stateKey(stack)}.tflock`;

// ---- deployers (the `global` stack) -------------------------------------------------------------------------------

/** IAM path of the deployer users, groups and roles: outside every `credex-*` name pattern the deployers may touch. */
export const DEPLOYER_PATH = `/${PROJECT}-deployers/`;
/** `credex-core-deployment`: the group every deployer user is in (the shared policies). */
export const DEPLOYER_GROUP_NAME = `${API_NAME}-deployment`;
/** `credex-core-<env>-deployment`: an environment's deployer user and its group. */
export const deployerName = (env: string): string => `${API_NAME}-${env}-deployment`;
/** Prefix of the GitHub OIDC deploy roles. */
export const GITHUB_DEPLOY_ROLE_PREFIX = `${PROJECT}-github-deploy`;
/** `credex-github-deploy-<env>`: the role an environment's deploy workflow assumes. */
export const githubDeployRoleName = (env: string, prefix: string = GITHUB_DEPLOY_ROLE_PREFIX): string =>
  `${prefix}-${env}`;
/** `credex-github-secret-age`: the read-only role of the weekly secret-age workflow (dates of the app secrets). */
export const GITHUB_SECRET_AGE_ROLE_NAME = `${PROJECT}-github-secret-age`;
/** `credex-github-image-push`: the push-only role of the app repository's image build (the one ECR repository). */
export const GITHUB_IMAGE_PUSH_ROLE_NAME = `${PROJECT}-github-image-push`;
/** `credex-core-permissions` (shared) or `credex-core-<env>-permissions`: a generated deployer policy. */
export const deployerPolicyName = (env?: string): string =>
  env === undefined ? `${API_NAME}-permissions` : `${API_NAME}-${env}-permissions`;

// ---- the AMI command ----------------------------------------------------------------------------------------------

/**
 * The tag and value that mark everything the AMI command creates (defined with the AMI tags in contracts/ami.ts):
 * the hosts boot only images that carry them, and the deployer may change only builders and images that do.
 */
export { TAG_MANAGED_BY as AMI_MARKER_TAG, MANAGED_BY_VALUE as AMI_MARKER } from './ami';

/**
 * The image tag a synth without CREDEX_IMAGE_TAG writes into the task definition (tests, pr-checks, the diagram).
 * Images come from credex-core's own workflow with immutable tags (its commit SHA); no configured default such as
 * `latest-staging` exists, because an immutable repository cannot move it. resolve-image-tag.sh refuses this tag
 * and deploy.yml checks the synthesized task definition carries the resolved one, so it never reaches an apply.
 */
export const UNDEPLOYABLE_IMAGE_TAG = 'no-image-tag-given';
