/**
 * ARN templates and the environment's name globs, shared by the service files. The globs are the naming
 * contract's functions (contracts/naming.ts) called with ANY ('*') and ENV ('{env}'), never restated.
 */
import { ANY, coreName, ENV, envName, envSuffixedName } from '../../../contracts/naming';
import { Grant } from '../types';

/** A regional ARN of this account. */
export const arn = (service: string, resource: string): string =>
  `arn:{partition}:${service}:{region}:{account}:${resource}`;
/** Every EC2 resource of a type, e.g. ec2('vpc') (scoped further by tags). */
export const ec2 = (type: string): string => arn('ec2', `${type}/*`);
/** Public and own AMIs/snapshots: their ARNs have no account. */
export const ec2Global = (type: string): string => `arn:{partition}:ec2:{region}::${type}/*`;
/** A global IAM ARN of this account. */
export const iam = (resource: string): string => `arn:{partition}:iam::{account}:${resource}`;

/** A grant on "*": only for actions in the "allowed on *" list (contracts/unscopable-actions.ts). */
export const star = (sid: string, actions: string[]): Grant => ({ sid, actions, resources: ['*'] });

/** `credex-{env}-*`: network, load balancer, Neo4j, alarm and instance-profile names of an environment. */
export const ENV_NAMES = envName(ANY, ENV);
/** `credex-*-{env}`: ECS names and the alarm topic of an environment. */
export const ENV_SUFFIXED_NAMES = envSuffixedName(ANY, ENV);
/** `credex-core-*-{env}`: the API's names of an environment. */
export const CORE_NAMES = coreName(ANY, ENV);
