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
 * What every stack of this app has: the S3 backend (one key per stack, encrypted, locked) and an AWS provider
 * whose default tags mark every resource with project, environment and managed-by.
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
}
