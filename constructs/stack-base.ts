import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { StateConfig } from '../config';
import { stateKey } from '../contracts/naming';

export interface StackBaseProps {
  readonly project: string;
  /** Stack name; also the state key and the `environment` tag. */
  readonly stackName: string;
  readonly region: string;
  readonly state: StateConfig;
}

/**
 * Terraform versions every stack accepts: 1.10 brings S3-native state locking (`use_lockfile`); 2.x is untested.
 * The workflows install TERRAFORM_VERSION (.github/workflows) inside this range.
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.10.0, < 2.0.0';

/**
 * What every stack of this app has: the S3 backend (one key per stack, encrypted, locked), an AWS provider
 * whose default tags mark every resource with project, environment and managed-by, a `required_version`, and
 * every provider declared as `hashicorp/<name>` at the exact version its cdktf package was generated for
 * (cdktf writes the short `aws` / `null` for some providers; Terraform and OpenTofu then guess the namespace).
 */
export abstract class StackBase extends TerraformStack {
  protected constructor(scope: Construct, id: string, props: StackBaseProps) {
    super(scope, id);
    const backend = new S3Backend(this, {
      bucket: props.state.bucket,
      key: stateKey(props.stackName),
      region: props.state.region,
      encrypt: true,
      dynamodbTable: props.state.dynamodbTable,
    });
    if (!props.state.dynamodbTable) {
      // S3 native state locking (Terraform >= 1.10); cdktf 0.21's typed backend does not know the option yet.
      backend.addOverride('use_lockfile', true);
    }
    new AwsProvider(this, 'aws', {
      region: props.region,
      defaultTags: [{ tags: { project: props.project, environment: props.stackName, 'managed-by': 'cdktf' } }],
    });
  }

  /** The synthesized JSON, with `required_version` and fully qualified, exactly pinned provider sources. */
  public override toTerraform(): {
    terraform?: {
      required_version?: string;
      required_providers?: Record<string, { source?: string; version?: string }>;
    };
  } {
    const tf = super.toTerraform() as {
      terraform?: {
        required_version?: string;
        required_providers?: Record<string, { source?: string; version?: string }>;
      };
    };
    tf.terraform ??= {};
    tf.terraform.required_version = TERRAFORM_REQUIRED_VERSION;
    for (const [name, req] of Object.entries(tf.terraform.required_providers ?? {})) {
      const source = req.source ?? name;
      req.source = source.includes('/') ? source : `hashicorp/${source}`;
      if (!req.version || !/^\d+\.\d+\.\d+$/.test(req.version)) {
        throw new Error(`StackBase: provider ${name} needs an exact version, got "${req.version ?? ''}"`);
      }
    }
    return tf;
  }
}
