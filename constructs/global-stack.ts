import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { GlobalConfig } from '../config';
import type { DeployerPolicySet } from '../contracts/deployer-policies';
import { appSecretName, GITHUB_IMAGE_PUSH_ROLE_NAME, GITHUB_SECRET_AGE_ROLE_NAME } from '../contracts/naming';
import { AuditTrail } from './audit-trail';
import { Deployers } from './deployers';
import { GithubBranchRole } from './github-branch-role';
import { GithubOidc } from './github-oidc';
import { PermissionsBoundary } from './permissions-boundary';
import { Registry } from './registry';
import { StackBase } from './stack-base';

export interface GlobalStackProps {
  readonly global: GlobalConfig;
  /**
   * The deployer policies generated from the environment stacks by `npm run iam:policy`
   * (main.ts passes the committed generated/deployer-policies.json).
   */
  readonly deployerPolicies: DeployerPolicySet;
  /**
   * Region of each environment (its stack's provider), for the ARNs of its secrets in the secret-age role.
   * @default - every environment in the global region
   */
  readonly environmentRegions?: Readonly<Record<string, string>>;
}

/**
 * Account-wide resources, deployed once by an administrator before any environment (never by the deployers,
 * whose policies grant nothing here): the ECR repository both environments pull from, the permissions boundary
 * of every role the environment stacks create, the key-based deployer users and groups of the seed, and the
 * GitHub OIDC provider with one deploy role per environment.
 */
export class GlobalStack extends StackBase {
  public readonly registry: Registry;
  public readonly boundary: PermissionsBoundary;
  public readonly deployers: Deployers;
  public readonly githubOidc: GithubOidc;
  /** The weekly secret-age workflow's read-only role (no GitHub environment: it runs on the default branch). */
  public readonly secretAgeRole: GithubBranchRole;
  /** The app repository's image build pushes with this role (the deploy roles cannot push: deploys never build). */
  public readonly imagePushRole: GithubBranchRole;
  /** The account's CloudTrail trail. @default - none when config says the account has one (auditTrail.create) */
  public readonly auditTrail?: AuditTrail;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    const g = props.global;
    super(scope, id, { project: g.project, stackName: id, region: g.region, state: g.state });
    this.registry = new Registry(this, 'registry', {
      repositoryName: g.ecr.repositoryName,
      keepImages: g.ecr.keepImages,
      environments: props.deployerPolicies.environments,
      keepDeployedPerEnvironment: g.ecr.keepDeployedPerEnvironment,
    });
    new TerraformOutput(this, 'ecr_repository_url', { value: this.registry.repository.repositoryUrl });

    const set = props.deployerPolicies;
    const account = new DataAwsCallerIdentity(this, 'account', {});
    const partition = new DataAwsPartition(this, 'partition', {}).partition;
    const byAudience = (audience: string) => set.policies.filter((p) => p.audience === audience);
    const boundary = byAudience('boundary');
    if (boundary.length !== 1 || boundary[0].name !== g.permissionsBoundaryName) {
      throw new Error(
        `GlobalStack ${id}: deployerPolicies must hold exactly one boundary named ${g.permissionsBoundaryName}; run npm run iam:policy`,
      );
    }
    this.boundary = new PermissionsBoundary(this, 'permissions-boundary', {
      name: boundary[0].name,
      document: boundary[0].document,
      accountId: account.accountId,
    });

    const environments = set.environments.map((name) => {
      if (!(name in g.deployBranches))
        throw new Error(`GlobalStack ${id}: no deploy branch configured for environment ${name}`);
      return { name, branch: g.deployBranches[name as keyof typeof g.deployBranches], policies: byAudience(name) };
    });
    this.deployers = new Deployers(this, 'deployers', {
      sharedPolicies: byAudience('shared'),
      environments,
      accountId: account.accountId,
    });
    this.githubOidc = new GithubOidc(this, 'github-oidc', {
      repository: g.githubRepository,
      sharedPolicies: this.deployers.sharedPolicies,
      environments: environments.map((e) => ({
        name: e.name,
        branch: e.branch,
        policies: this.deployers.environmentPolicies[e.name],
      })),
    });
    for (const e of environments) {
      new TerraformOutput(this, `deploy_role_arn_${e.name}`, { value: this.githubOidc.roles[e.name].arn });
    }
    new TerraformOutput(this, 'permissions_boundary_arn', { value: this.boundary.policy.arn });

    // The weekly secret-age check (.github/workflows/secret-age.yml) is scheduled, so it runs on the default branch
    // and cannot name the environments (their deployment branches are stage/prod, production waits for a reviewer).
    // Its role reads the dates of each environment's app secret and nothing else: never a value.
    this.secretAgeRole = new GithubBranchRole(this, 'secret-age-role', {
      name: GITHUB_SECRET_AGE_ROLE_NAME,
      providerArn: this.githubOidc.providerArn,
      repository: g.githubRepository,
      branch: g.defaultBranch,
      purpose: 'the weekly secret-age check (dates of the app secrets, never a value)',
      statements: [
        {
          sid: 'AppSecretDates',
          actions: ['secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'],
          resources: set.environments.map(
            (env) =>
              `arn:${partition}:secretsmanager:${props.environmentRegions?.[env] ?? g.region}:${account.accountId}:secret:${appSecretName(env)}-??????`,
          ),
        },
      ],
      branchTrustReason:
        'the scheduled secret-age workflow runs on the default branch and names no GitHub environment (their deployment branches are stage/prod, production waits for a reviewer); the role only reads the dates of the app secrets (DescribeSecret, ListSecretVersionIds: no value), which no reviewer needs to guard',
    });
    new TerraformOutput(this, 'secret_age_role_arn', { value: this.secretAgeRole.role.arn });

    // credex-core's build pushes credex-core:<commit SHA> from its main branch. Push only, to the one repository:
    // no pull, no delete, no other repository; the tags are immutable, so a push cannot replace an image a deploy ran.
    this.imagePushRole = new GithubBranchRole(this, 'image-push-role', {
      name: GITHUB_IMAGE_PUSH_ROLE_NAME,
      providerArn: this.githubOidc.providerArn,
      repository: g.imagePush.repository,
      branch: g.imagePush.branch,
      purpose: `pushes of the API image to ECR repository ${g.ecr.repositoryName}`,
      statements: [
        { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        {
          sid: 'EcrPush',
          actions: [
            'ecr:BatchCheckLayerAvailability',
            'ecr:InitiateLayerUpload',
            'ecr:UploadLayerPart',
            'ecr:CompleteLayerUpload',
            'ecr:PutImage',
          ],
          resources: [this.registry.repository.arn],
        },
      ],
      branchTrustReason:
        "the app repository's image build runs on its main branch in another repository, with no GitHub environment of this estate; the role only pushes to the one ECR repository, whose tags are immutable, and a push deploys nothing: a deploy takes the tag it is given (staging) or one staging ran (production)",
    });
    new TerraformOutput(this, 'image_push_role_arn', { value: this.imagePushRole.role.arn });

    // The secret-read alerts of the environments need a trail that logs management events (read ones included).
    if (g.auditTrail.create) {
      this.auditTrail = new AuditTrail(this, 'audit-trail', {
        name: g.auditTrail.name,
        region: g.region,
        accountId: account.accountId,
        partition,
        retentionDays: g.auditTrail.retentionDays,
      });
      new TerraformOutput(this, 'audit_trail_arn', { value: this.auditTrail.trail.arn });
    }
  }
}
