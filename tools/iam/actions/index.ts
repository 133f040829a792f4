/**
 * THE action map, one file per AWS service: for every Terraform resource and data type the environment stacks may
 * contain, the IAM actions the AWS provider calls to create, read, update and delete it, how each is scoped, and
 * what else the type does with IAM (roles it passes, managed policies it attaches, inline policies the boundary
 * must allow) — as data that tools/iam/generate.ts interprets. A type missing here makes `npm run iam:policy` fail.
 *
 * Scoping, in order of preference:
 *  1. by ARN, with names from the naming contract (contracts/naming.ts) carrying the environment (NameRule
 *     patterns, checked against every literal name in the synthesized stack);
 *  2. by tag, where the ARN holds a generated id (vpc-0abc, sg-0abc): aws:RequestTag on create, aws:ResourceTag
 *     afterwards (the provider's default_tags put project/environment on every resource at create time);
 *  3. `*` only for actions AWS defines without a resource type: the "allowed on *" list the policy gate uses too
 *     (contracts/unscopable-actions.ts, each reviewed entry with its reason).
 */
import { ServiceActions, TypeActions } from '../types';
import { ACM } from './acm';
import { APPLICATION_AUTOSCALING } from './application-autoscaling';
import { CLOUDWATCH } from './cloudwatch';
import { DLM } from './dlm';
import { EC2 } from './ec2';
import { ECR } from './ecr';
import { ECS } from './ecs';
import { EVENTS } from './events';
import { ELBV2 } from './elbv2';
import { IAM } from './iam';
import { KMS } from './kms';
import { LAMBDA } from './lambda';
import { PROVIDER_COMPUTED } from './provider-computed';
import { LOGS } from './logs';
import { ROUTE53 } from './route53';
import { S3 } from './s3';
import { SECRETSMANAGER } from './secretsmanager';
import { SNS } from './sns';
import { STS } from './sts';
import { WAFV2 } from './wafv2';

export { ROLE_NAME_PATTERNS } from './iam';
export { WORKFLOW_GRANTS } from './workflow';

/** Where the service files live (error messages name them). */
export const ACTIONS_DIR = 'tools/iam/actions';

/** File name (without .ts) -> the types that file maps. */
const SERVICES: Readonly<Record<string, ServiceActions>> = {
  acm: ACM,
  'application-autoscaling': APPLICATION_AUTOSCALING,
  cloudwatch: CLOUDWATCH,
  dlm: DLM,
  ec2: EC2,
  ecr: ECR,
  ecs: ECS,
  events: EVENTS,
  elbv2: ELBV2,
  iam: IAM,
  kms: KMS,
  lambda: LAMBDA,
  'provider-computed': PROVIDER_COMPUTED,
  logs: LOGS,
  route53: ROUTE53,
  s3: S3,
  secretsmanager: SECRETSMANAGER,
  sns: SNS,
  sts: STS,
  wafv2: WAFV2,
};

const map: Record<string, TypeActions> = {};
const files: Record<string, string> = {};
for (const [service, types] of Object.entries(SERVICES)) {
  for (const [type, actions] of Object.entries(types)) {
    if (files[type]) throw new Error(`${ACTIONS_DIR}: ${type} is mapped in both ${files[type]} and ${service}.ts`);
    map[type] = actions;
    files[type] = `${service}.ts`;
  }
}

/** Every type the generator knows, from all service files. */
export const ACTION_MAP: Readonly<Record<string, TypeActions>> = map;

/** The file that maps `type`, e.g. tools/iam/actions/ec2.ts. */
export function actionFile(type: string): string {
  return `${ACTIONS_DIR}/${files[type] ?? '<service>.ts'}`;
}
