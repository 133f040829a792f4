import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DEPLOY_ROLE_MAX_SESSION_SECONDS } from '../config/deploy-budget';
import { DEPLOYER_PATH, GITHUB_DEPLOY_ROLE_PREFIX, githubDeployRoleName } from '../contracts/naming';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The one subject a deploy role trusts: a job of `repository` running in GitHub environment `environment`. */
export function githubEnvironmentSubject(repository: string, environment: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(environment)) {
    throw new Error(`GithubOidc: GitHub environment "${environment}" must be letters, digits, _ . - (no wildcard)`);
  }
  return `repo:${repository}:environment:${environment}`;
}

export interface GithubDeployEnvironment {
  /** Environment (stack) name, e.g. staging. */
  readonly name: string;
  /**
   * Branch whose pushes deploy it, e.g. stage. Only documentation on the role: the trust names the GitHub
   * environment, whose deployment-branch rule (repository settings) is what ties the environment to this branch.
   */
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
   * Longest session a workflow gets, in seconds (3600..43200): at least the deploy job's worst case.
   * @default DEPLOY_ROLE_MAX_SESSION_SECONDS (config/deploy-budget.ts)
   */
  readonly maxSessionDurationSeconds?: number;
}

/**
 * GitHub Actions OIDC: the provider token.actions.githubusercontent.com and one deploy role per environment.
 * A role trusts only tokens for audience sts.amazonaws.com whose subject is exactly
 * `repo:<owner>/<repo>:environment:<env>` (StringEquals, one value, no wildcard). Only a job that names the GitHub
 * environment gets such a token, and GitHub starts that job only after the environment's protection rules
 * (required reviewers, deployment branches) pass; a branch subject would let any job on the branch skip them.
 * A pull request, a fork, another branch or the other environment's job cannot assume the role.
 */
/** The trust policy of a role GitHub Actions assumes through the OIDC provider, for exactly one token subject. */
export function githubTrustPolicy(sid: string, providerArn: string, subject: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
            [`${GITHUB_OIDC_HOST}:sub`]: subject,
          },
        },
      },
    ],
  };
}

export class GithubOidc extends Construct {
  public readonly providerArn: string;
  public readonly roles: Record<string, IamRole> = {};

  constructor(scope: Construct, id: string, props: GithubOidcProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(props.repository)) {
      throw new Error(`GithubOidc ${id}: repository must be owner/name, got "${props.repository}"`);
    }
    const duration = props.maxSessionDurationSeconds ?? DEPLOY_ROLE_MAX_SESSION_SECONDS;
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
      const trust = githubTrustPolicy(
        'GithubDeploy',
        this.providerArn,
        githubEnvironmentSubject(props.repository, env.githubEnvironment ?? env.name),
      );
      const role = new IamRole(this, `role-${env.name}`, {
        name: githubDeployRoleName(env.name, prefix),
        path: props.path ?? DEPLOYER_PATH,
        description: `GitHub Actions deploys of ${env.name} from ${props.repository}, GitHub environment ${env.githubEnvironment ?? env.name} only (branch ${env.branch})`,
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
