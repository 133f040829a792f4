import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { lambdaLogGroupName } from '../contracts/naming';
import { BOLT_PORT } from '../contracts/neo4j';
import { ServiceRole } from './iam-role';
import { EnvironmentKey } from './kms-key';
import { Neo4jHost } from './neo4j-host';

export interface Neo4jRotationProps {
  /** Function, role, security group and log group name, e.g. credex-staging-neo4j-rotation. */
  readonly name: string;
  readonly region: string;
  /** Absolute path of the function's deployment package (dist/functions/neo4j-rotation.zip, built by dev/build.js). */
  readonly packageFile: string;
  readonly vpc: Vpc;
  /** Private subnets with NAT egress (Secrets Manager and ECS APIs). */
  readonly subnets: readonly Subnet[];
  /** The hosts whose password secrets rotate; their security groups accept Bolt from the function. */
  readonly hosts: readonly Neo4jHost[];
  /** The six-key connection secret the API reads, kept in step by finishSecret. */
  readonly connectionSecret: SecretsmanagerSecret;
  readonly key: EnvironmentKey;
  /** Days between automatic rotations, 1..365. */
  readonly rotationDays: number;
  /**
   * The API's ECS service (literal names): rotation waits for its deployment to settle, then forces a new one so
   * the tasks read the new credentials. @default - no redeploy (tasks pick the new password up at their next start)
   */
  readonly service?: { readonly clusterName: string; readonly serviceName: string };
  /** @default 30 */
  readonly logRetentionDays?: number;
  readonly permissionsBoundaryArn: string;
}

/**
 * Rotates each Neo4j host's password on a schedule (and on `aws secretsmanager rotate-secret`): the Lambda function
 * of functions/neo4j-rotation (Node.js 22, in the private subnets, Bolt to the hosts only), its role (the host
 * secrets, the connection secret and the key; the ENIs Lambda needs in the VPC; the API service's redeploy), its
 * log group under the environment's key, and one aws_secretsmanager_secret_rotation per host secret.
 */
export class Neo4jRotation extends Construct {
  public readonly function: LambdaFunction;
  public readonly securityGroup: SecurityGroup;
  public readonly role: ServiceRole;
  public readonly rotations: SecretsmanagerSecretRotation[];

  constructor(scope: Construct, id: string, props: Neo4jRotationProps) {
    super(scope, id);
    if (!Number.isInteger(props.rotationDays) || props.rotationDays < 1 || props.rotationDays > 365)
      throw new Error(`Neo4jRotation ${id}: rotationDays must be 1..365, got ${props.rotationDays}`);
    if (props.hosts.length === 0) throw new Error(`Neo4jRotation ${id}: hosts is empty`);
    const { name, region } = props;

    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: lambdaLogGroupName(name),
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: props.key.arn,
    });

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name,
      description: 'Neo4j password rotation: Bolt to the Neo4j hosts, HTTPS to AWS APIs',
      vpcId: props.vpc.id,
      tags: { Name: name },
    });
    new VpcSecurityGroupEgressRule(this, 'https-out', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS to Secrets Manager and ECS (through NAT)',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });
    for (const host of props.hosts) {
      new VpcSecurityGroupEgressRule(this, `bolt-to-${host.space}`, {
        securityGroupId: this.securityGroup.id,
        description: `Bolt to Neo4j ${host.space}`,
        ipProtocol: 'tcp',
        fromPort: BOLT_PORT,
        toPort: BOLT_PORT,
        referencedSecurityGroupId: host.securityGroup.id,
      });
      host.allowBoltFrom('rotation', this.securityGroup, 'Bolt from the password rotation function');
    }

    const hostSecretArns = props.hosts.map((h) => h.passwordSecret.arn);
    const serviceArn = props.service
      ? `arn:aws:ecs:${region}:*:service/${props.service.clusterName}/${props.service.serviceName}`
      : undefined;
    this.role = new ServiceRole(this, 'role', {
      name,
      servicePrincipal: 'lambda.amazonaws.com',
      permissionsBoundaryArn: props.permissionsBoundaryArn,
      statements: [
        {
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.arn}:*`],
        },
        {
          sid: 'RotateHostSecrets',
          actions: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          resources: hostSecretArns,
        },
        {
          sid: 'KeepConnectionSecretInStep',
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          resources: [props.connectionSecret.arn],
        },
        { sid: 'SecretsUnderTheKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.key.arn] },
        // Lambda creates and removes the function's network interfaces in the VPC with the function's role.
        {
          sid: 'FunctionNetworkInterfaces',
          actions: [
            'ec2:AssignPrivateIpAddresses',
            'ec2:CreateNetworkInterface',
            'ec2:DeleteNetworkInterface',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: [
            `arn:aws:ec2:${region}:*:network-interface/*`,
            `arn:aws:ec2:${region}:*:subnet/*`,
            `arn:aws:ec2:${region}:*:security-group/*`,
          ],
        },
        { sid: 'DescribeNetwork', actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] },
        // X-Ray traces of each rotation step (trace upload has no resource type).
        { sid: 'Traces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
        ...(serviceArn
          ? [{ sid: 'RedeployApi', actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: [serviceArn] }]
          : []),
      ],
    });
    props.key.allowSecretWrite(this.role.role.arn);

    if (!props.packageFile.endsWith('.zip'))
      throw new Error(`Neo4jRotation ${id}: packageFile must be a .zip, got "${props.packageFile}"`);
    const bundle = new TerraformAsset(this, 'package', { path: props.packageFile, type: AssetType.FILE });
    this.function = new LambdaFunction(this, 'function', {
      functionName: name,
      description: 'Rotates the Neo4j host passwords (alternating users) and keeps the API connection secret in step',
      role: this.role.role.arn,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      filename: bundle.path,
      sourceCodeHash: bundle.assetHash,
      timeout: 120,
      memorySize: 256,
      vpcConfig: { subnetIds: props.subnets.map((s) => s.id), securityGroupIds: [this.securityGroup.id] },
      environment: {
        variables: {
          CONNECTION_SECRET_ID: props.connectionSecret.arn,
          // space -> secret ARN: an ARN token as an object key would synthesize to `"<reference>" = undefined`.
          SPACE_SECRETS: Fn.jsonencode(Object.fromEntries(props.hosts.map((h) => [h.space, h.passwordSecret.arn]))),
          ...(props.service ? { ECS_CLUSTER: props.service.clusterName, ECS_SERVICE: props.service.serviceName } : {}),
        },
      },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      tracingConfig: { mode: 'Active' },
      dependsOn: [logGroup],
    });

    this.rotations = props.hosts.map((host) => {
      const permission = new LambdaPermission(this, `invoke-${host.space}`, {
        statementId: `secretsmanager-${host.space}`,
        action: 'lambda:InvokeFunction',
        functionName: this.function.functionName,
        principal: 'secretsmanager.amazonaws.com',
        sourceArn: host.passwordSecret.arn,
      });
      return new SecretsmanagerSecretRotation(this, `rotation-${host.space}`, {
        secretId: host.passwordSecret.id,
        rotationLambdaArn: this.function.arn,
        rotationRules: { automaticallyAfterDays: props.rotationDays },
        // The first rotation waits for the schedule: at create time the host may still be booting.
        rotateImmediately: false,
        dependsOn: [permission],
      });
    });
  }
}
