import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { GlobalConfig } from '../config';
import { Registry } from './registry';
import { StackBase } from './stack-base';

export interface GlobalStackProps {
  readonly global: GlobalConfig;
}

/**
 * Account-wide resources, deployed once by an administrator before any environment:
 * the ECR repository both environments pull from (and the deployer identities).
 */
export class GlobalStack extends StackBase {
  public readonly registry: Registry;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    const g = props.global;
    super(scope, id, { project: g.project, stackName: id, region: g.region, state: g.state });
    this.registry = new Registry(this, 'registry', { repositoryName: g.ecr.repositoryName, keepImages: g.ecr.keepImages });
    new TerraformOutput(this, 'ecr_repository_url', { value: this.registry.repository.repositoryUrl });
  }
}
