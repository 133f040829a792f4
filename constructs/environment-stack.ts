import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsEcrRepository } from '@cdktf/provider-aws/lib/data-aws-ecr-repository';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { EnvironmentConfig, GlobalConfig } from '../config';
import { APP_HEALTH, APP_PORT } from '../contracts/app';
import { STACK_OUTPUTS } from '../contracts/outputs';
import {
  alarmTopicName,
  appSecretName,
  clusterName,
  coreFamily,
  coreName,
  coreSecretName,
  DEPLOYER_PATH,
  deployerName,
  ecsLogGroupName,
  envPrefix,
  envSecretName,
  githubDeployRoleName,
  kmsAliasName,
  lambdaLogGroupName,
  neo4jRotationName,
  secretReadRuleName,
  vpcLogGroupName,
  wafLogGroupName,
  wafName,
  UNDEPLOYABLE_IMAGE_TAG,
} from '../contracts/naming';
import { AlarmTopic } from './alarm-topic';
import { AppSecrets } from './app-secrets';
import { ApiDnsRecord } from './api-dns-record';
import { LoadBalancer } from './load-balancer';
import { Monitoring } from './monitoring';
import { Neo4jAmi } from './neo4j-ami';
import { Neo4jBackups } from './neo4j-backups';
import { Neo4jConnectionSecret } from './neo4j-connection-secret';
import { BOLT_PORT, NEO4J_SPACES, Neo4jSpace } from '../contracts/neo4j';
import { Neo4jHost } from './neo4j-host';
import { Network } from './network';
import { ApiService } from './service';
import { StackBase } from './stack-base';
import { EnvironmentKey } from './kms-key';
import { Neo4jRotation } from './neo4j-rotation';
import { SecretReadAlerts } from './secret-read-alerts';
import { WebAcl } from './waf';

export interface EnvironmentStackProps {
  readonly env: EnvironmentConfig;
  readonly global: GlobalConfig;
  /**
   * Image tag to deploy: the deploy paths always pass one (CREDEX_IMAGE_TAG, resolved by
   * .github/workflows/scripts/resolve-image-tag.sh: the tag asked for, or the one running now).
   * @default - UNDEPLOYABLE_IMAGE_TAG (synth for tests and checks only; the deploy paths refuse it)
   */
  readonly imageTag?: string;
  /** sha256 of the Neo4j AMI install script (a trigger of the bake); main.ts reads the file, constructs never do. */
  readonly amiBuildScriptHash: string;
  /** Absolute path of the Neo4j rotation function's package (dist/functions/neo4j-rotation.zip); main.ts builds it. */
  readonly neo4jRotationPackage: string;
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
  public readonly alarms: AlarmTopic;
  public readonly neo4j: Record<Neo4jSpace, Neo4jHost>;
  public readonly neo4jSecret: Neo4jConnectionSecret;
  /** The environment's customer-managed key: log groups, secrets, EBS volumes, the alarm topic. */
  public readonly key: EnvironmentKey;
  public readonly neo4jRotation: Neo4jRotation;
  public readonly secretReadAlerts: SecretReadAlerts;
  /** @default - none where config turns the WAF off */
  public readonly webAcl?: WebAcl;
  /** The API's alias record. @default - none when config has no loadBalancer.hostedZoneId */
  public readonly apiDnsRecord?: ApiDnsRecord;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    const { env, global } = props;
    super(scope, id, { project: global.project, stackName: env.name, region: env.region, state: global.state });
    if (id !== env.name)
      throw new Error(`EnvironmentStack ${id}: the stack id must equal the environment name "${env.name}"`);
    const prefix = envPrefix(env.name);
    new NullProvider(this, 'null');
    new RandomProvider(this, 'random');

    const account = new DataAwsCallerIdentity(this, 'account', {});
    const partition = new DataAwsPartition(this, 'partition', {});
    const permissionsBoundaryArn = `arn:${partition.partition}:iam::${account.accountId}:policy/${global.permissionsBoundaryName}`;
    const repository = new DataAwsEcrRepository(this, 'repository', { name: global.ecr.repositoryName });
    const security = env.security;
    this.key = new EnvironmentKey(this, 'kms-key', {
      environment: env.name,
      region: env.region,
      accountId: account.accountId,
      partition: partition.partition,
      aliasName: kmsAliasName(env.name),
      alarmTopicArn: `arn:${partition.partition}:sns:${env.region}:${account.accountId}:${alarmTopicName(env.name)}`,
      deletionWindowDays: security.keyDeletionWindowDays,
      logGroupNames: [
        ecsLogGroupName(coreFamily(env.name)),
        vpcLogGroupName(prefix, '*'),
        lambdaLogGroupName(neo4jRotationName(env.name)),
        wafLogGroupName(env.name),
      ],
    });
    const kmsKeyArn = this.key.arn;

    this.network = new Network(this, 'network', {
      namePrefix: prefix,
      region: env.region,
      ...env.network,
      permissionsBoundaryArn,
      kmsKeyArn,
    });
    this.appSecrets = new AppSecrets(this, 'app-secrets', {
      name: appSecretName(env.name),
      kmsKeyArn,
      waiveRotation: security.requireRotation,
    });
    this.alarms = new AlarmTopic(this, 'alarm-topic', { environment: env.name, email: env.alarms.email, kmsKeyArn });
    const alarmTopicArn = this.alarms.topic.arn;

    const ami = new Neo4jAmi(this, 'neo4j-ami', {
      environment: env.name,
      region: env.region,
      edition: env.neo4j.edition,
      version: env.neo4j.version,
      buildScriptHash: props.amiBuildScriptHash,
      keep: global.amiRetention,
      builderSubnetId: this.network.privateSubnets[0].id,
      permissionsBoundaryArn,
    });
    // One host per space, spread over the two private subnets.
    this.neo4j = Object.fromEntries(
      NEO4J_SPACES.map((space, i) => [
        space,
        new Neo4jHost(this, `neo4j-${space}`, {
          environment: env.name,
          region: env.region,
          space,
          vpc: this.network.vpc,
          subnet: this.network.privateSubnets[i],
          availabilityZone: env.network.availabilityZones[i],
          imageId: ami.imageId,
          edition: env.neo4j.edition,
          instanceType: env.neo4j.instanceType,
          dataVolumeGiB: env.neo4j.dataVolumeGiB,
          alarmTopicArn,
          permissionsBoundaryArn,
          kmsKeyArn,
        }),
      ]),
    ) as Record<Neo4jSpace, Neo4jHost>;
    this.neo4jSecret = new Neo4jConnectionSecret(this, 'neo4j-secret', {
      name: env.neo4j.secretName,
      ledgerSpace: this.neo4j.ledgerspace,
      searchSpace: this.neo4j.searchspace,
      kmsKeyArn,
      waiveRotation: security.requireRotation,
    });
    new Neo4jBackups(this, 'neo4j-backups', {
      environment: env.name,
      retentionDays: env.neo4j.backupRetentionDays,
      permissionsBoundaryArn,
    });

    this.loadBalancer = new LoadBalancer(this, 'load-balancer', {
      namePrefix: prefix,
      vpc: this.network.vpc,
      publicSubnets: this.network.publicSubnets,
      targetPort: APP_PORT,
      healthCheckPath: APP_HEALTH.path,
      healthCheckStatus: APP_HEALTH.status,
      certificateArn: env.loadBalancer.certificateArn,
      domainName: env.loadBalancer.domainName,
      httpOnlyReason: env.loadBalancer.httpOnlyReason,
      deletionProtection: env.loadBalancer.deletionProtection,
      accessLogRetentionDays: env.loadBalancer.accessLogRetentionDays,
      ...(env.service.deployment.strategy === 'BLUE_GREEN'
        ? { blueGreen: { testListenerPort: env.service.deployment.testListenerPort } }
        : {}),
    });
    const blueGreen = this.loadBalancer.blueGreen;

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
      ...env.service, // sizes, counts, scaling, grace period, ECS Exec, log retention
      containerPort: APP_PORT,
      imageTag: props.imageTag ?? UNDEPLOYABLE_IMAGE_TAG,
      nodeEnv: env.nodeEnv,
      secrets: [...this.appSecrets.containerSecrets(), ...this.neo4jSecret.containerSecrets()],
      permissionsBoundaryArn,
      kmsKeyArn,
      deployment: env.service.deployment,
      ...(blueGreen
        ? {
            blueGreen: {
              alternateTargetGroup: blueGreen.alternateTargetGroup,
              productionListenerRule: blueGreen.productionListenerRule,
              testListenerRule: blueGreen.testListenerRule,
              listenerArns: [this.loadBalancer.forwardingListener.arn, blueGreen.testListener.arn],
            },
          }
        : {}),
    });
    for (const space of NEO4J_SPACES) {
      this.neo4j[space].allowBoltFrom('api-tasks', this.service.securityGroup, 'Bolt from the credex-core API tasks');
      this.service.allowOutboundTo(
        `neo4j-${space}`,
        this.neo4j[space].securityGroup,
        BOLT_PORT,
        `Bolt to Neo4j ${space}`,
      );
    }

    const hosts = NEO4J_SPACES.map((space) => this.neo4j[space]);
    this.neo4jRotation = new Neo4jRotation(this, 'neo4j-rotation', {
      name: neo4jRotationName(env.name),
      region: env.region,
      packageFile: props.neo4jRotationPackage,
      vpc: this.network.vpc,
      subnets: this.network.privateSubnets,
      hosts,
      connectionSecret: this.neo4jSecret.secret,
      key: this.key,
      rotationDays: security.neo4jRotationDays,
      service: { clusterName: clusterName(env.name), serviceName: coreName('service', env.name) },
      logRetentionDays: env.service.logRetentionDays,
      permissionsBoundaryArn,
    });
    // Who may decrypt the secrets they read: the execution role, each host's role (its own password at boot).
    const readers = [this.service.executionRoleArn, ...hosts.map((h) => h.roleArn)];
    readers.forEach((arn) => this.key.allowSecretRead(arn));
    const iamArnPrefix = `arn:${partition.partition}:iam::${account.accountId}:`;
    const watched = [coreSecretName('', env.name), envSecretName('', env.name), env.neo4j.secretName];
    this.secretReadAlerts = new SecretReadAlerts(this, 'secret-read-alerts', {
      name: secretReadRuleName(env.name),
      environment: env.name,
      topic: this.alarms,
      pattern: {
        secretNames: watched,
        expectedRoleArns: [
          ...readers,
          this.neo4jRotation.role.role.arn,
          ...(security.secretReadExpectedRoleNames ?? []).map(
            (name) => `arn:${partition.partition}:iam::${account.accountId}:role/${name}`,
          ),
        ],
        // Every plan reads back the secret versions Terraform owns, as this environment's deployer (the global
        // stack's OIDC role or the seed's user); the app secret has no such version, so their reads of it alert.
        deployers: {
          roleArns: [`${iamArnPrefix}role${DEPLOYER_PATH}${githubDeployRoleName(env.name)}`],
          userArns: [`${iamArnPrefix}user${DEPLOYER_PATH}${deployerName(env.name)}`],
          unexpectedSecretNames: [coreSecretName('', env.name)],
        },
      },
    });
    if (security.waf.enabled) {
      this.webAcl = new WebAcl(this, 'waf', {
        name: wafName(env.name),
        logGroupName: wafLogGroupName(env.name),
        loadBalancerArn: this.loadBalancer.loadBalancer.arn,
        rateLimitPer5Minutes: security.waf.rateLimitPer5Minutes,
        rateLimitExemptPaths: security.waf.rateLimitExemptPaths,
        logRetentionDays: security.waf.logRetentionDays,
        kmsKeyArn,
        region: env.region,
        accountId: account.accountId,
        partition: partition.partition,
      });
    }

    this.monitoring = new Monitoring(this, 'monitoring', {
      environment: env.name,
      region: env.region,
      // By name (the naming contract), not by reference: the service depends on these alarms, not the reverse.
      clusterName: clusterName(env.name),
      serviceName: coreName('service', env.name),
      loadBalancerArnSuffix: this.loadBalancer.loadBalancer.arnSuffix,
      targetGroupArnSuffix: this.loadBalancer.targetGroup.arnSuffix,
      alternateTargetGroupArnSuffix: blueGreen?.alternateTargetGroup.arnSuffix,
      alarmTopicArn,
      flowLogs: {
        logGroupName: vpcLogGroupName(prefix, 'flow-logs'),
        dailyIngestBytes: Math.round(env.network.flowLogDailyIngestAlarmGiB * 2 ** 30),
      },
    });
    this.service.rollBackOnAlarms(this.monitoring.deploymentAlarms.map((a) => a.alarmName));

    const lb = this.loadBalancer;
    const apiHost = env.loadBalancer.domainName ?? lb.loadBalancer.dnsName;
    const domain = env.loadBalancer.domainName;
    if (env.loadBalancer.hostedZoneId && domain) {
      this.apiDnsRecord = new ApiDnsRecord(this, 'api-dns', {
        hostedZoneId: env.loadBalancer.hostedZoneId,
        recordName: domain,
        loadBalancerDnsName: lb.loadBalancer.dnsName,
        loadBalancerZoneId: lb.loadBalancer.zoneId,
      });
    }
    const dnsRecord = this.apiDnsRecord
      ? `managed: ${domain} is an alias record to the load balancer in hosted zone ${env.loadBalancer.hostedZoneId}`
      : domain
        ? `not managed (no loadBalancer.hostedZoneId in config): point ${domain} at load_balancer_dns by hand (docs/deployer-guide.md section 5)`
        : "none: the API URL is the load balancer's own name";
    const outputs: Record<string, string> = {
      [STACK_OUTPUTS.region]: env.region,
      [STACK_OUTPUTS.clusterName]: this.service.cluster.name,
      [STACK_OUTPUTS.serviceName]: this.service.service.name,
      [STACK_OUTPUTS.taskDefinitionArn]: this.service.taskDefinition.arn,
      [STACK_OUTPUTS.image]: this.service.image,
      [STACK_OUTPUTS.targetGroupArn]: lb.targetGroup.arn,
      [STACK_OUTPUTS.loadBalancerDns]: lb.loadBalancer.dnsName,
      [STACK_OUTPUTS.apiUrl]: `${lb.protocol}://${apiHost}`,
      [STACK_OUTPUTS.dnsRecord]: dnsRecord,
      [STACK_OUTPUTS.healthPath]: APP_HEALTH.path,
      [STACK_OUTPUTS.logGroupName]: this.service.logGroup.name,
      [STACK_OUTPUTS.appSecretArn]: this.appSecrets.secret.arn,
      [STACK_OUTPUTS.neo4jSecretArn]: this.neo4jSecret.secret.arn,
      [STACK_OUTPUTS.alarmTopicArn]: alarmTopicArn,
      [STACK_OUTPUTS.neo4jLedgerspaceInstanceId]: this.neo4j.ledgerspace.instance.id,
      [STACK_OUTPUTS.neo4jSearchspaceInstanceId]: this.neo4j.searchspace.instance.id,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
  }
}
