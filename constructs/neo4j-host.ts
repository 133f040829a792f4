import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Password } from '@cdktf/provider-random/lib/password';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { Neo4jEdition } from '../config';
import { neo4jHostName, neo4jPasswordSecretName } from '../contracts/naming';
import { BOLT_PORT, Neo4jSpace } from '../contracts/neo4j';
import { ServiceRole } from './iam-role';
import { neo4jMemory, neo4jUserData } from './neo4j-user-data';

/** Tag key that the DLM backup policy selects data volumes by (value: environment name). */
export const NEO4J_BACKUP_TAG = 'Neo4jBackup';

export interface Neo4jHostProps {
  readonly environment: string;
  readonly region: string;
  /** LedgerSpace or SearchSpace: names, the secret and the security group are per space. */
  readonly space: Neo4jSpace;
  readonly vpc: Vpc;
  /** A private subnet; the data volume lives in its availability zone. */
  readonly subnet: Subnet;
  readonly availabilityZone: string;
  /** Image id (from Neo4jAmi.imageId). A new image replaces the instance, never the data volume. */
  readonly imageId: string;
  readonly edition: Neo4jEdition;
  /** One of INSTANCE_MEMORY_GIB's types (heap and page cache are sized from it). */
  readonly instanceType: string;
  /** @default 20 */
  readonly dataVolumeGiB?: number;
  /** Where the status-check alarm notifies. */
  readonly alarmTopicArn: string;
  readonly permissionsBoundaryArn: string;
  /**
   * Customer-managed KMS key of the password secret and of the root and data volumes (the instance role may Decrypt
   * its secret with it). @default - AWS-managed keys (aws/secretsmanager, aws/ebs)
   */
  readonly kmsKeyArn?: string;
}

/**
 * One Neo4j server on EC2: private, IMDSv2 only, encrypted root volume, SSM Session Manager instead of SSH,
 * and a separate encrypted gp3 data volume that outlives the instance (protected from destroy, re-attached
 * when a new image replaces the instance). Its generated password lives only in its own secret (and in the
 * encrypted Terraform state); its security group accepts Bolt only from groups named with `allowBoltFrom`.
 */
export class Neo4jHost extends Construct {
  public readonly space: Neo4jSpace;
  public readonly instance: Instance;
  public readonly dataVolume: EbsVolume;
  public readonly securityGroup: SecurityGroup;
  /** Stable address (a network interface that survives instance replacement). */
  public readonly networkInterface: NetworkInterface;
  public readonly boltUrl: string;
  public readonly username = 'neo4j';
  /** Generated password (a Terraform reference; never a literal). */
  public readonly password: string;
  /** The host's own secret {username, password}: the only secret its instance role can read. */
  public readonly passwordSecret: SecretsmanagerSecret;
  /** The instance role: reads its own password secret at boot. */
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: Neo4jHostProps) {
    super(scope, id);
    this.space = props.space;
    const memory = neo4jMemory(props.instanceType);
    if (!memory)
      throw new Error(
        `Neo4jHost ${id}: instanceType "${props.instanceType}" has no memory sizing; add it to INSTANCE_MEMORY_GIB`,
      );
    const volumeGiB = props.dataVolumeGiB ?? 20;
    if (volumeGiB < 10 || volumeGiB > 16384)
      throw new Error(`Neo4jHost ${id}: dataVolumeGiB must be 10..16384, got ${volumeGiB}`);
    const name = neo4jHostName(props.environment, props.space);

    const password = new Password(this, 'password', { length: 40, special: false });
    this.password = password.result;
    this.passwordSecret = new SecretsmanagerSecret(this, 'password-secret', {
      name: neo4jPasswordSecretName(props.environment, props.space),
      description: `Neo4j ${props.space} (${props.environment}) admin credentials, read by the host at first boot`,
      recoveryWindowInDays: 7,
      kmsKeyId: props.kmsKeyArn,
    });
    // The first credentials only: the rotation (constructs/neo4j-rotation.ts) owns the secret's versions afterwards,
    // so a plan must neither restore the first value nor move AWSCURRENT back to it.
    new SecretsmanagerSecretVersion(this, 'password-secret-value', {
      secretId: this.passwordSecret.id,
      secretString: Fn.jsonencode({ username: this.username, password: this.password }),
      lifecycle: { ignoreChanges: ['secret_string', 'version_stages'] },
    });

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name,
      description: `Neo4j ${props.space}: Bolt only from the API tasks`,
      vpcId: props.vpc.id,
      tags: { Name: name },
    });
    // Out: HTTPS (SSM, Secrets Manager, package updates through NAT). In: nothing until allowBoltFrom.
    new VpcSecurityGroupEgressRule(this, 'https-out', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS to AWS APIs (SSM, Secrets Manager) and package mirrors',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    this.networkInterface = new NetworkInterface(this, 'eni', {
      subnetId: props.subnet.id,
      securityGroups: [this.securityGroup.id],
      description: `${name} (stable Bolt address)`,
      tags: { Name: name },
    });
    this.boltUrl = `bolt://${this.networkInterface.privateIp}:${BOLT_PORT}`;

    this.dataVolume = new EbsVolume(this, 'data', {
      availabilityZone: props.availabilityZone,
      size: volumeGiB,
      type: 'gp3',
      encrypted: true,
      kmsKeyId: props.kmsKeyArn,
      tags: { Name: `${name}-data`, [NEO4J_BACKUP_TAG]: props.environment },
      lifecycle: { preventDestroy: true },
    });

    const role = new ServiceRole(this, 'role', {
      name,
      servicePrincipal: 'ec2.amazonaws.com',
      permissionsBoundaryArn: props.permissionsBoundaryArn,
      managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'],
      statements: [
        { sid: 'ReadOwnPassword', actions: ['secretsmanager:GetSecretValue'], resources: [this.passwordSecret.arn] },
        ...(props.kmsKeyArn
          ? [{ sid: 'DecryptOwnPassword', actions: ['kms:Decrypt'], resources: [props.kmsKeyArn] }]
          : []),
      ],
    });
    this.roleArn = role.role.arn;
    const profile = new IamInstanceProfile(this, 'profile', { name, role: role.role.name });

    this.instance = new Instance(this, 'instance', {
      ami: props.imageId,
      instanceType: props.instanceType,
      iamInstanceProfile: profile.name,
      monitoring: true,
      // Every type in INSTANCE_MEMORY_GIB is EBS-optimized by default; said explicitly so a type without it fails the apply.
      ebsOptimized: true,
      networkInterface: [{ networkInterfaceId: this.networkInterface.id, deviceIndex: 0 }],
      metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1 },
      rootBlockDevice: {
        volumeType: 'gp3',
        volumeSize: 20,
        encrypted: true,
        kmsKeyId: props.kmsKeyArn,
        deleteOnTermination: true,
      },
      userData: neo4jUserData({
        region: props.region,
        edition: props.edition,
        memory,
        dataVolumeId: this.dataVolume.id,
        passwordSecretArn: this.passwordSecret.arn,
      }),
      tags: { Name: name },
    });
    new VolumeAttachment(this, 'data-attachment', {
      deviceName: '/dev/sdf',
      volumeId: this.dataVolume.id,
      instanceId: this.instance.id,
      stopInstanceBeforeDetaching: true,
    });

    new CloudwatchMetricAlarm(this, 'status-check', {
      alarmName: `${name}-status-check-failed`,
      alarmDescription: `Neo4j ${props.space} instance or system status check failing for 2 minutes`,
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed',
      dimensions: { InstanceId: this.instance.id },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 2,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'breaching',
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
    });
  }

  /** Lets one security group (the API tasks') reach Bolt; the only ingress the host ever has. */
  public allowBoltFrom(id: string, source: SecurityGroup, description: string): void {
    new VpcSecurityGroupIngressRule(this, `bolt-from-${id}`, {
      securityGroupId: this.securityGroup.id,
      description,
      ipProtocol: 'tcp',
      fromPort: BOLT_PORT,
      toPort: BOLT_PORT,
      referencedSecurityGroupId: source.id,
    });
  }
}
