import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DEPLOYER_PATH, GITHUB_DEPLOY_ROLE_PREFIX, githubDeployRoleName } from '../contracts/naming';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface GithubDeployEnvironment {
  /** Environment (stack) name, e.g. staging. */
  readonly name: string;
  /** Branch whose pushes deploy it, e.g. stage. */
  readonly branch: string;
  /**
   * GitHub environment of the deploy job (its token's subject is then `repo:<repo>:environment:<name>`).
   * @default - the environment name
   */
  readonly githubEnvironment?: string;
  /** This environment's deployer policies (attached to the role next to the shared ones). */
  readonly policies: readonly IamPolicy[];
}

export interface GithubOidcProps {
  /** owner/name of the only repository whose workflows may assume the roles. */
  readonly repository: string;
  readonly environments: readonly GithubDeployEnvironment[];
  /** The shared deployer policies (credex-core-permissions[-N]). */
  readonly sharedPolicies: readonly IamPolicy[];
  /**
   * ARN of an existing GitHub OIDC provider (an account holds one per URL).
   * @default - the provider is created here
   */
  readonly existingProviderArn?: string;
  /**
   * Role name prefix; a role is `<prefix>-<env>`.
   * @default 'credex-github-deploy'
   */
  readonly roleNamePrefix?: string;
  /**
   * IAM path of the roles: outside every `credex-*` role pattern the deployer policies may touch.
   * @default '/credex-deployers/'
   */
  readonly path?: string;
  /**
   * Longest session a workflow gets, in seconds (3600..43200).
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
}

/**
 * GitHub Actions OIDC: the provider token.actions.githubusercontent.com and one deploy role per environment.
 * A role trusts only tokens for audience sts.amazonaws.com whose subject is this repository's deploy branch of
 * that environment or its GitHub environment (exact StringEquals, no wildcards), so a pull request, a fork or
 * another branch cannot assume it, and the staging workflow cannot assume the production role.
 */
export class GithubOidc extends Construct {
  public readonly providerArn: string;
  public readonly roles: Record<string, IamRole> = {};

  constructor(scope: Construct, id: string, props: GithubOidcProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(props.repository)) {
      throw new Error(`GithubOidc ${id}: repository must be owner/name, got "${props.repository}"`);
    }
    const duration = props.maxSessionDurationSeconds ?? 3600;
    if (duration < 3600 || duration > 43200)
      throw new Error(`GithubOidc ${id}: maxSessionDurationSeconds must be 3600..43200`);
    const prefix = props.roleNamePrefix ?? GITHUB_DEPLOY_ROLE_PREFIX;

    this.providerArn =
      props.existingProviderArn ??
      new IamOpenidConnectProvider(this, 'provider', {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: ['sts.amazonaws.com'],
      }).arn;

    for (const env of props.environments) {
      const trust = {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'GithubDeploy',
            Effect: 'Allow',
            Principal: { Federated: this.providerArn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
                [`${GITHUB_OIDC_HOST}:sub`]: [
                  `repo:${props.repository}:ref:refs/heads/${env.branch}`,
                  `repo:${props.repository}:environment:${env.githubEnvironment ?? env.name}`,
                ],
              },
            },
          },
        ],
      };
      const role = new IamRole(this, `role-${env.name}`, {
        name: githubDeployRoleName(env.name, prefix),
        path: props.path ?? DEPLOYER_PATH,
        description: `GitHub Actions deploys of ${env.name} from ${props.repository} (branch ${env.branch})`,
        assumeRolePolicy: Fn.jsonencode(trust),
        maxSessionDuration: duration,
      });
      [...props.sharedPolicies, ...env.policies].forEach((p, i) => {
        new IamRolePolicyAttachment(this, `role-${env.name}-policy-${i}`, { role: role.name, policyArn: p.arn });
      });
      this.roles[env.name] = role;
    }
  }
}
