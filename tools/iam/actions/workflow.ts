/**
 * What the deploy workflows and `npm run verify` do besides Terraform, per environment ({env}) or shared.
 * Terraform state: one key per stack in the state bucket, S3-native locking (<key>.tflock).
 */
import { ENV, stateKey, stateLockKey } from '../../../contracts/naming';
import { Grant } from '../types';
import { arn, ec2, ec2Global, ENV_SUFFIXED_NAMES, star } from './arns';
import { LOG_GROUPS } from './logs';
import { ECR_REPOSITORY_ARN } from './ecr';
import { ECS_CONTAINER_INSTANCE_ARNS, ECS_SERVICE_ARNS, ECS_TASK_ARNS } from './ecs';
import { APP_SECRET_ARN } from './secretsmanager';

/** A deployment of the environment's service (cluster and service names carry the environment). */
const ECS_SERVICE_DEPLOYMENT_ARNS = [arn('ecs', `service-deployment/${ENV_SUFFIXED_NAMES}/${ENV_SUFFIXED_NAMES}/*`)];

const stateObjects = [stateKey(ENV), stateLockKey(ENV)];

export const WORKFLOW_GRANTS: readonly Grant[] = [
  // Shared: know who we are; find an image and give the one deployed its deployed-<env>-<tag> tag
  // (resolve-image-tag.sh, tag-deployed-image.sh: DescribeImages, BatchGetImage for its manifest, PutImage of that
  // manifest under the new tag). Deploys never build: no layer upload, no docker login; images are pushed by the app
  // repository's build with its own role (global stack, credex-github-image-push).
  star('Identity', ['sts:GetCallerIdentity']),
  {
    sid: 'EcrTagDeployed',
    actions: ['ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:PutImage'],
    resources: [ECR_REPOSITORY_ARN],
  },
  // Per environment: its own state object and lock, nothing else in the bucket (the global stack's state is not theirs).
  {
    sid: 'StateList',
    actions: ['s3:ListBucket'],
    resources: ['arn:{partition}:s3:::{stateBucket}'],
    condition: { StringLike: { 's3:prefix': stateObjects } },
  },
  {
    sid: 'StateObject',
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    resources: stateObjects.map((key) => `arn:{partition}:s3:::{stateBucket}/${key}`),
  },
  // The app secret's values, written from the environment's GitHub secrets only when they changed (put-app-secret.sh
  // reads the current version's digest label, and removes stale labels); verify's secret-age step reads the dates.
  {
    sid: 'AppSecretWrite',
    actions: [
      'secretsmanager:PutSecretValue',
      'secretsmanager:DescribeSecret',
      'secretsmanager:UpdateSecretVersionStage',
      'secretsmanager:ListSecretVersionIds',
    ],
    resources: [APP_SECRET_ARN],
  },
  // Roll out and verify the service.
  { sid: 'EcsService', actions: ['ecs:UpdateService', 'ecs:DescribeServices'], resources: ECS_SERVICE_ARNS },
  // verify follows a blue/green rollout (stage, bake, rollback) through the service's deployments.
  {
    sid: 'EcsServiceDeployments',
    actions: ['ecs:ListServiceDeployments', 'ecs:DescribeServiceDeployments'],
    resources: [...ECS_SERVICE_ARNS, ...ECS_SERVICE_DEPLOYMENT_ARNS],
  },
  { sid: 'EcsTasks', actions: ['ecs:DescribeTasks'], resources: ECS_TASK_ARNS },
  { sid: 'EcsTaskList', actions: ['ecs:ListTasks'], resources: ECS_CONTAINER_INSTANCE_ARNS },
  star('LoadBalancerRead', ['elasticloadbalancing:DescribeTargetHealth']),
  // verify reaches the private Neo4j hosts' Bolt port through Session Manager port forwarding (no inbound route).
  {
    sid: 'Neo4jPortForward',
    actions: ['ssm:StartSession'],
    resources: [ec2('instance')],
    condition: { StringEquals: { 'ssm:resourceTag/environment': '{env}' } },
  },
  {
    sid: 'PortForwardDocument',
    actions: ['ssm:StartSession'],
    resources: ['arn:{partition}:ssm:{region}::document/AWS-StartPortForwardingSession'],
  },
  // The deployer guide's runbook (__tests__/tools/iam/runbook-commands.test.ts proves each of its commands allowed):
  // read the environment's own log groups (`aws logs tail`: the rotation function's failures, the API, WAF, flow logs);
  // GetLogEvents and StartLiveTail take the log group, FilterLogEvents the group and its streams.
  {
    sid: 'RunbookLogsRead',
    actions: ['logs:FilterLogEvents', 'logs:GetLogEvents', 'logs:StartLiveTail', 'logs:DescribeLogStreams'],
    resources: LOG_GROUPS.flatMap((g) => [arn('logs', `log-group:${g}`), arn('logs', `log-group:${g}:*`)]),
  },
  // Who read a secret (section 3.4): CloudTrail's event history has no resource type, so "*" (read-only).
  star('RunbookAuditLookup', ['cloudtrail:LookupEvents']),
  // A snapshot of a Neo4j data volume before an upgrade or host replacement: only this environment's volumes, and the
  // snapshot must carry this environment's tags from its creation (so DLM's and the deployer's scopes cover it).
  {
    sid: 'RunbookSnapshotVolume',
    actions: ['ec2:CreateSnapshot'],
    resources: [ec2('volume')],
    condition: { StringEquals: { 'aws:ResourceTag/environment': '{env}' } },
  },
  {
    sid: 'RunbookSnapshotCreate',
    actions: ['ec2:CreateSnapshot'],
    resources: [ec2Global('snapshot')],
    condition: { StringEquals: { 'aws:RequestTag/environment': '{env}', 'aws:RequestTag/project': 'credex' } },
  },
  {
    sid: 'RunbookSnapshotTag',
    actions: ['ec2:CreateTags'],
    resources: [ec2Global('snapshot')],
    condition: { StringEquals: { 'ec2:CreateAction': 'CreateSnapshot', 'aws:RequestTag/environment': '{env}' } },
  },
];
