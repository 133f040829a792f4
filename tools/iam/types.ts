/**
 * Types of the deployer-policy generator. Templates (ARNs, condition values) carry placeholders that the
 * generator fills per stack: {partition}, {region}, {account}, {env}, {project}, {stateBucket}, {repository},
 * {boundary} (the permissions-boundary policy name).
 */

/** IAM condition block: operator -> key -> value(s). */
export type Condition = Record<string, Record<string, string | string[]>>;

/** Named condition kinds, expanded by the generator (see conditions.ts). */
export type ConditionKind =
  /** Creating a resource: the request must tag it project=<project>, environment=<env>. */
  | 'request-tag'
  /** Changing an existing resource: it must carry project=<project>, environment=<env>. */
  | 'resource-tag'
  /** Creating/changing a role: only with the project's permissions boundary attached. */
  | 'boundary'
  /** Creating a role: boundary attached and the environment tag set to this environment. */
  | 'boundary-and-request-tag'
  /** Tagging an existing resource: it must carry this environment's tags and may not be re-tagged to another. */
  | 'retag'
  /**
   * Tagging a role named for this environment, including the TagRole check of CreateRole (the new role has no tags
   * yet): whatever tags it has or gets must say this environment.
   */
  | 'role-tag'
  /** Removing tags from an existing resource: never the project/environment tags. */
  | 'untag';

/** One grant of a type's action map: actions on resources, optionally under a condition. */
export interface Grant {
  /** Statement family; grants with the same sid, resources and condition merge into one statement. */
  readonly sid: string;
  readonly actions: readonly string[];
  /** ARN templates, or ['*'] only for actions AWS cannot scope (checked against UNSCOPED_ACTIONS). */
  readonly resources: readonly string[];
  readonly condition?: ConditionKind | Condition;
}

/** Tag-on-create: EC2 and ELB need an explicit tagging permission tied to the create action. */
export interface TagOnCreate {
  readonly service: 'ec2' | 'elasticloadbalancing';
  /** The API action that creates the resource, e.g. CreateVpc. */
  readonly createAction: string;
  /** ARN templates of the resources that action creates and tags. */
  readonly resources: readonly string[];
}

/** Naming rule of a type: every literal name in the stack must match one pattern (a glob with {env}). */
export interface NameRule {
  /** Attributes that hold the name (or its prefix, e.g. bucket_prefix). */
  readonly attributes: readonly string[];
  readonly patterns: readonly string[];
  /** Literal names that may stand outside the patterns (e.g. the seed's neo4j_stage_secrets). */
  readonly exact?: RegExp;
}

/** What Terraform (and the commands it runs) needs for one resource or data type. */
export interface TypeActions {
  /** Why these actions: the provider's create/read/update/delete calls, in a few words. */
  readonly note: string;
  readonly grants: readonly Grant[];
  readonly tagOnCreate?: readonly TagOnCreate[];
  readonly names?: NameRule;
  /** Service-linked roles the first create needs (service principal names). */
  readonly serviceLinkedRoles?: readonly string[];
}

/** A null_resource's local-exec command the generator knows, by a pattern over the command line. */
export interface KnownCommand {
  readonly name: string;
  readonly pattern: RegExp;
  readonly grants: readonly Grant[];
}

/** An IAM policy document as AWS takes it. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Condition;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Who a generated managed policy is for. */
export type Audience = 'shared' | 'staging' | 'production' | 'boundary';

/** One managed policy of the generated set. */
export interface GeneratedPolicy {
  /** IAM policy name, e.g. credex-core-permissions, credex-core-staging-permissions. */
  readonly name: string;
  readonly audience: Audience;
  readonly description: string;
  /** File under docs/deploy/ that holds the document. */
  readonly file: string;
  readonly document: PolicyDocument;
  /** Characters of the minified document (IAM's managed-policy limit is 6,144, whitespace excluded). */
  readonly size: number;
  readonly actionCount: number;
}

/** Everything `npm run iam:policy` writes, and what the `global` stack deploys. */
export interface DeployerPolicySet {
  readonly generator: string;
  readonly partition: string;
  readonly environments: readonly string[];
  /** Resource and data types seen per environment (sorted), so a review sees what the policy covers. */
  readonly types: Readonly<Record<string, readonly string[]>>;
  readonly policies: readonly GeneratedPolicy[];
}
