import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { deployedImageTagPrefix } from '../contracts/naming';

export interface RegistryProps {
  /** Repository name, e.g. credex-core (shared by every environment). */
  readonly repositoryName: string;
  /**
   * Images of any tag kept by the last lifecycle rule; older ones expire (except the deployed ones below).
   * @default 30
   */
  readonly keepImages?: number;
  /**
   * The environments that deploy from the repository: each one's deployed images (tagged `deployed-<env>-<tag>` by
   * the deploy workflow) are kept by a rule of their own, which no push of another environment can expire.
   * @default - none: only the newest keepImages images of any tag are kept
   */
  readonly environments?: readonly string[];
  /**
   * Deployed images kept per environment: the one running, and the previous ones a rollback (the circuit breaker,
   * a blue/green bake, a redeploy of an older commit) may return to. At least 2.
   * @default 10
   */
  readonly keepDeployedPerEnvironment?: number;
}

/**
 * The container registry of the API: scanned on push, immutable tags. Lifecycle: each environment's newest
 * deployed images are kept by their own rule first (ECR: an image that matches the tag selection of a rule cannot
 * be expired by a rule of lower priority), then the newest N images of any tag; older ones expire. Without the
 * per-environment rules, thirty staging pushes would expire the image production runs, and its next scale-out or
 * rollback would fail with CannotPullContainerError.
 */
export class Registry extends Construct {
  public readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    const keep = props.keepImages ?? 30;
    if (keep < 1) throw new Error(`Registry ${id}: keepImages must be at least 1, got ${keep}`);
    const keepDeployed = props.keepDeployedPerEnvironment ?? 10;
    if (!Number.isInteger(keepDeployed) || keepDeployed < 2)
      throw new Error(
        `Registry ${id}: keepDeployedPerEnvironment must be at least 2 (running + rollback), got ${keepDeployed}`,
      );
    const environments = props.environments ?? [];
    if (new Set(environments).size !== environments.length)
      throw new Error(`Registry ${id}: environments holds a name twice`);

    this.repository = new EcrRepository(this, 'repository', {
      name: props.repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
    });
    const deployedRules = environments.map((env, i) => ({
      rulePriority: i + 1,
      description: `keep the newest ${keepDeployed} images deployed to ${env}`,
      selection: {
        tagStatus: 'tagged',
        tagPrefixList: [deployedImageTagPrefix(env)],
        countType: 'imageCountMoreThan',
        countNumber: keepDeployed,
      },
      action: { type: 'expire' },
    }));
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: Fn.jsonencode({
        rules: [
          ...deployedRules,
          {
            // ECR requires the rule of tagStatus "any" to have the highest priority number (evaluated last).
            rulePriority: deployedRules.length + 1,
            description: `keep the newest ${keep} images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
            action: { type: 'expire' },
          },
        ],
      }),
    });
  }
}
