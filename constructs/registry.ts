import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export interface RegistryProps {
  /** Repository name, e.g. credex-core (shared by every environment). */
  readonly repositoryName: string;
  /**
   * Images kept by the lifecycle rule; older ones expire.
   * @default 30
   */
  readonly keepImages?: number;
}

/** The container registry of the API: scanned on push, immutable tags, newest N images kept. */
export class Registry extends Construct {
  public readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    const keep = props.keepImages ?? 30;
    if (keep < 1) throw new Error(`Registry ${id}: keepImages must be at least 1, got ${keep}`);

    this.repository = new EcrRepository(this, 'repository', {
      name: props.repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: Fn.jsonencode({
        rules: [
          {
            rulePriority: 1,
            description: `keep the newest ${keep} images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
            action: { type: 'expire' },
          },
        ],
      }),
    });
  }
}
