/**
 * Types of the deployer-policy generator's action map (tools/iam/actions/). The schema of what it writes (policy
 * documents, the policy set) is contracts/deployer-policies.ts, re-exported here for the generator's modules.
 *
 * Templates (ARNs, condition values) carry placeholders that the generator fills per stack: {partition}, {region},
 * {account}, {env}, {project}, {stateBucket}, {repository}, {boundary} (the permissions-boundary policy name),
 * and {name} in an exact-name ARN.
 */
import type { Condition } from '../../contracts/deployer-policies';

export type {
  Audience,
  Condition,
  DeployerPolicySet,
  GeneratedPolicy,
  PolicyDocument,
  PolicyStatement,
} from '../../contracts/deployer-policies';

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
  /**
   * ARN templates, or ['*'] only for actions AWS cannot scope: those of the "allowed on *" list
   * (policies/build/unscopable.ts), or a write it lists as scoped by request tags under the 'request-tag' condition.
   */
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

/**
 * Literal names of a type that stand outside its patterns but are allowed exactly (the seed's secret names
 * neo4j_<stage|prod>_secrets), each granted on its own ARN.
 */
export interface ExactNames {
  readonly pattern: RegExp;
  /** ARN template of one such name ({name}). */
  readonly arn: string;
  /** The deployer's statement: the actions the stack's grants of sid `actionsOf` have, on the exact ARN. */
  readonly sid: string;
  readonly actionsOf: string;
  /**
   * The boundary's statement: roles tagged with the stack's environment may use on it what their inline policies
   * name it for (a role policy's reference to the block carrying the name).
   */
  readonly boundary: { readonly sid: string };
}

/** Naming rule of a type: every literal name in the stack must match one pattern (a glob with {env}). */
export interface NameRule {
  /** Attributes that hold the name (or its prefix, e.g. bucket_prefix). */
  readonly attributes: readonly string[];
  readonly patterns: readonly string[];
  readonly exact?: ExactNames;
}

/** How an attribute or a command-line flag refers to the role it passes. */
export type RoleReference =
  /** `${aws_iam_role.x.arn}` (or .name, .id) */
  | 'role'
  /** `${aws_iam_instance_profile.x.name}`: the profile's role is passed */
  | 'instance-profile';

/** A role a resource hands to an AWS service: the deployer gets iam:PassRole for that role, to that service only. */
export interface PassedRole {
  /** The attribute holding the reference: a dotted path into nested blocks (load_balancer.advanced_configuration.role_arn). */
  readonly attribute: string;
  /** Service principal the role is passed to; the role's trust policy must name it. */
  readonly service: string;
  /** @default 'role' */
  readonly via?: RoleReference;
  /** Whether the attribute must be there (a missing one fails the generator). @default false */
  readonly required?: boolean;
}

/** A role a known command passes on its command line (`--instance-profile <ref>`). */
export interface CommandPassedRole {
  /** The flag whose value is the reference, e.g. --instance-profile. */
  readonly flag: string;
  readonly service: string;
  readonly via: RoleReference;
}

/** A null_resource's local-exec command the generator knows, by a pattern over the command line. */
export interface KnownCommand {
  readonly name: string;
  readonly pattern: RegExp;
  readonly grants: readonly Grant[];
  readonly passesRoles?: readonly CommandPassedRole[];
}

/** A service-linked role the first create of a type needs. */
export interface ServiceLinkedRole {
  /** Service principal (iam:AWSServiceName), e.g. ecs.amazonaws.com. */
  readonly service: string;
  /** The role AWS creates, e.g. AWSServiceRoleForECS. */
  readonly roleName: string;
}

/** What Terraform (and the commands it runs) needs for one resource or data type. */
export interface TypeActions {
  /** Why these actions: the provider's create/read/update/delete calls, in a few words. */
  readonly note: string;
  readonly grants: readonly Grant[];
  readonly tagOnCreate?: readonly TagOnCreate[];
  readonly names?: NameRule;
  readonly serviceLinkedRoles?: readonly ServiceLinkedRole[];
  /** Roles the resource passes to services (iam:PassRole). */
  readonly passesRoles?: readonly PassedRole[];
  /**
   * The attribute holding an AWS-managed policy ARN attached to a role: only the policies listed here may be
   * attached, and the permissions boundary lets a role use what each one's grants say ({env}: the role's own
   * environment tag).
   */
  readonly managedPolicies?: { readonly attribute: string; readonly known: Readonly<Record<string, readonly Grant[]>> };
  /**
   * The attribute holding a role's inline policy (a `data.aws_iam_policy_document` of the stack): the permissions
   * boundary must allow its statements.
   */
  readonly inlinePolicy?: { readonly attribute: string };
  /**
   * When a role policy names a resource of this type by reference (`${aws_x.y.arn}`), the ARNs the boundary allows
   * instead ({env}: the role's own environment tag).
   */
  readonly boundaryArns?: readonly string[];
  /** The local-exec commands a resource of this type may run (null_resource): each must match one of these. */
  readonly commands?: readonly KnownCommand[];
}

/** The types one AWS service's file maps. */
export type ServiceActions = Readonly<Record<string, TypeActions>>;
