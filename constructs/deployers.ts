import { IamGroup } from '@cdktf/provider-aws/lib/iam-group';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserGroupMembership } from '@cdktf/provider-aws/lib/iam-user-group-membership';
import { Construct } from 'constructs';
import { ACCOUNT_VARIABLE, type GeneratedPolicy, type PolicyDocument } from '../contracts/deployer-policies';
import { DEPLOYER_GROUP_NAME, DEPLOYER_PATH, deployerName } from '../contracts/naming';

/**
 * Renders a generated document for Terraform: the account variable becomes `accountId` (usually the caller
 * identity's account_id token), and every other IAM policy variable (`${aws:PrincipalTag/environment}`) is
 * escaped as `$${...}` so Terraform passes it to IAM instead of interpolating it.
 */
export function renderPolicyDocument(document: PolicyDocument, accountId: string): string {
  return JSON.stringify(document)
    .split(ACCOUNT_VARIABLE)
    .map((part) => part.split('${aws:').join('$${aws:'))
    .join(accountId);
}

export interface DeployerEnvironment {
  /** Environment (stack) name, e.g. staging. */
  readonly name: string;
  /**
   * IAM user of this environment's deploy workflow (access keys are created by an administrator, never by Terraform).
   * @default - credex-core-<name>-deployment
   */
  readonly userName?: string;
  /** The generated policies of this environment (credex-core-<name>-permissions[-N]). */
  readonly policies: readonly GeneratedPolicy[];
}

export interface DeployersProps {
  /** The generated shared policies (credex-core-permissions[-N]): what every environment's deployer needs. */
  readonly sharedPolicies: readonly GeneratedPolicy[];
  readonly environments: readonly DeployerEnvironment[];
  /** Account id that replaces the documents' `${aws:PrincipalAccount}`. */
  readonly accountId: string;
  /**
   * Group holding the shared policy; every deployer user is in it.
   * @default 'credex-core-deployment'
   */
  readonly groupName?: string;
  /**
   * IAM path of the users and groups, so no `credex-*` name pattern of the environment policies reaches them.
   * @default '/credex-deployers/'
   */
  readonly path?: string;
}

/**
 * The key-based deployers of the seed, least-privilege: users `credex-core-<env>-deployment` in the group
 * `credex-core-deployment` (policy `credex-core-permissions`: what both environments need) and in a group of
 * their own environment (`credex-core-<env>-deployment`, with that environment's generated policies). Permissions
 * sit on groups only, never on users; no deployer policy grants any IAM user, group or policy action, so a
 * deployer cannot widen its own access.
 */
export class Deployers extends Construct {
  public readonly group: IamGroup;
  public readonly sharedPolicies: IamPolicy[];
  public readonly environmentGroups: Record<string, IamGroup> = {};
  public readonly environmentPolicies: Record<string, IamPolicy[]> = {};
  public readonly users: Record<string, IamUser> = {};

  constructor(scope: Construct, id: string, props: DeployersProps) {
    super(scope, id);
    const path = props.path ?? DEPLOYER_PATH;
    if (props.sharedPolicies.length === 0) throw new Error(`Deployers ${id}: sharedPolicies is empty`);
    if (props.environments.length === 0) throw new Error(`Deployers ${id}: environments is empty`);
    for (const env of props.environments) {
      if (env.policies.length === 0) throw new Error(`Deployers ${id}: environment ${env.name} has no policies`);
    }
    if (props.sharedPolicies.length + Math.max(...props.environments.map((e) => e.policies.length)) > 10) {
      throw new Error(`Deployers ${id}: more than 10 managed policies per principal (IAM's default quota)`);
    }

    const policy = (construct: Construct, p: GeneratedPolicy): IamPolicy =>
      new IamPolicy(construct, `policy-${p.name}`, {
        name: p.name,
        path,
        description: p.description,
        policy: renderPolicyDocument(p.document, props.accountId),
      });

    this.group = new IamGroup(this, 'group', { name: props.groupName ?? DEPLOYER_GROUP_NAME, path });
    this.sharedPolicies = props.sharedPolicies.map((p) => policy(this, p));
    this.sharedPolicies.forEach(
      (p, i) => new IamGroupPolicyAttachment(this, `group-policy-${i}`, { group: this.group.name, policyArn: p.arn }),
    );

    for (const env of props.environments) {
      const scope = new Construct(this, env.name);
      const group = new IamGroup(scope, 'group', { name: deployerName(env.name), path });
      const policies = env.policies.map((p) => policy(scope, p));
      policies.forEach(
        (p, i) => new IamGroupPolicyAttachment(scope, `group-policy-${i}`, { group: group.name, policyArn: p.arn }),
      );
      const user = new IamUser(scope, 'user', { name: env.userName ?? deployerName(env.name), path });
      new IamUserGroupMembership(scope, 'membership', { user: user.name, groups: [this.group.name, group.name] });
      this.environmentGroups[env.name] = group;
      this.environmentPolicies[env.name] = policies;
      this.users[env.name] = user;
    }
  }
}
