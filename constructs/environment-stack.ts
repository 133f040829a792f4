import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsEcrRepository } from '@cdktf/provider-aws/lib/data-aws-ecr-repository';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { EnvironmentConfig, GlobalConfig, STACK_OUTPUTS } from '../config';
import { AppSecrets } from './app-secrets';
import { LoadBalancer } from './load-balancer';
import { Monitoring } from './monitoring';
import { Network } from './network';
import { ApiService } from './service';
import { StackBase } from './stack-base';

export interface EnvironmentStackProps {
  readonly env: EnvironmentConfig;
  readonly global: GlobalConfig;
  /**
   * Image tag to deploy (the deploy workflow passes the commit SHA).
   * @default - env.service.imageTag
   */
  readonly imageTag?: string;
}

/**
 * One environment of credex-core (staging or production), built from its config alone: network, load balancer,
 * ECS service, secrets, Neo4j hosts and monitoring. It shares nothing with the other environment by reference;
 * it reads the shared ECR repository by name, so the `global` stack must be deployed first.
 */
export class EnvironmentStack extends StackBase {
  public readonly network: Network;
  public readonly loadBalancer: LoadBalancer;
  public readonly service: ApiService;
  public readonly appSecrets: AppSecrets;
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    const { env, global } = props;
    super(scope, id, { project: global.project, stackName: env.name, region: env.region, state: global.state });
    if (id !== env.name) throw new Error(`EnvironmentStack ${id}: the stack id must equal the environment name "${env.name}"`);
    const prefix = `credex-${env.name}`;

    const account = new DataAwsCallerIdentity(this, 'account', {});
    const partition = new DataAwsPartition(this, 'partition', {});
    const permissionsBoundaryArn = `arn:${partition.partition}:iam::${account.accountId}:policy/${global.permissionsBoundaryName}`;
    const repository = new DataAwsEcrRepository(this, 'repository', { name: global.ecr.repositoryName });

    this.network = new Network(this, 'network', {
      namePrefix: prefix,
      region: env.region,
      ...env.network,
      permissionsBoundaryArn,
    });
    this.appSecrets = new AppSecrets(this, 'app-secrets', { name: `credex-core/${env.name}/app` });

    this.loadBalancer = new LoadBalancer(this, 'load-balancer', {
      namePrefix: prefix,
      vpc: this.network.vpc,
      publicSubnets: this.network.publicSubnets,
      targetPort: env.service.containerPort,
      healthCheckPath: env.service.healthCheckPath,
      certificateArn: env.loadBalancer.certificateArn,
      deletionProtection: env.loadBalancer.deletionProtection,
      accessLogRetentionDays: env.loadBalancer.accessLogRetentionDays,
    });

    this.service = new ApiService(this, 'api', {
      environment: env.name,
      region: env.region,
      vpc: this.network.vpc,
      privateSubnets: this.network.privateSubnets,
      targetGroup: this.loadBalancer.targetGroup,
      listener: this.loadBalancer.forwardingListener,
      loadBalancerSecurityGroup: this.loadBalancer.securityGroup,
      repositoryUrl: repository.repositoryUrl,
      repositoryArn: repository.arn,
      imageTag: props.imageTag ?? env.service.imageTag,
      containerPort: env.service.containerPort,
      nodeEnv: env.nodeEnv,
      cpu: env.service.cpu,
      memoryMiB: env.service.memoryMiB,
      desiredCount: env.service.desiredCount,
      minCount: env.service.minCount,
      maxCount: env.service.maxCount,
      cpuTargetPercent: env.service.cpuTargetPercent,
      healthCheckGracePeriodSeconds: env.service.healthCheckGracePeriodSeconds,
      enableExecuteCommand: env.service.enableExecuteCommand,
      logRetentionDays: env.service.logRetentionDays,
      secrets: this.appSecrets.keys.map((key) => ({ name: key, secretArn: this.appSecrets.secret.arn, jsonKey: key })),
      permissionsBoundaryArn,
    });

    this.monitoring = new Monitoring(this, 'monitoring', {
      environment: env.name,
      region: env.region,
      clusterName: this.service.cluster.name,
      serviceName: this.service.service.name,
      loadBalancerArnSuffix: this.loadBalancer.loadBalancer.arnSuffix,
      targetGroupArnSuffix: this.loadBalancer.targetGroup.arnSuffix,
      alarmEmail: env.alarms.email,
    });

    const lb = this.loadBalancer;
    const apiHost = env.loadBalancer.domainName ?? lb.loadBalancer.dnsName;
    const outputs: Record<string, string> = {
      [STACK_OUTPUTS.region]: env.region,
      [STACK_OUTPUTS.clusterName]: this.service.cluster.name,
      [STACK_OUTPUTS.serviceName]: this.service.service.name,
      [STACK_OUTPUTS.taskDefinitionArn]: this.service.taskDefinition.arn,
      [STACK_OUTPUTS.image]: this.service.image,
      [STACK_OUTPUTS.targetGroupArn]: lb.targetGroup.arn,
      [STACK_OUTPUTS.loadBalancerDns]: lb.loadBalancer.dnsName,
      [STACK_OUTPUTS.apiUrl]: `${lb.protocol}://${apiHost}`,
      [STACK_OUTPUTS.healthPath]: env.service.healthCheckPath,
      [STACK_OUTPUTS.logGroupName]: this.service.logGroup.name,
      [STACK_OUTPUTS.appSecretArn]: this.appSecrets.secret.arn,
      [STACK_OUTPUTS.alarmTopicArn]: this.monitoring.topic.arn,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
  }
}
