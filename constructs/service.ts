import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { APP_SET_VARIABLES, appPlainVariables } from '../contracts/app';
import { API_NAME, clusterName, coreFamily, coreName, ecsLogGroupName } from '../contracts/naming';
import { PolicyStatement, ServiceRole } from './iam-role';

/** One environment variable of the container read from a JSON key of a Secrets Manager secret. */
export interface ContainerSecret {
  /** Environment variable name inside the container, e.g. JWT_SECRET. */
  readonly name: string;
  readonly secretArn: string;
  /** Key in the secret's JSON value. */
  readonly jsonKey: string;
}

/** Valid Fargate CPU units and the memory sizes (MiB) each allows. */
const FARGATE_MEMORY: Record<number, readonly [number, number]> = {
  256: [512, 2048],
  512: [1024, 4096],
  1024: [2048, 8192],
  2048: [4096, 16384],
  4096: [8192, 30720],
};

export interface ApiServiceProps {
  /** Environment name, appended to every name (credex-cluster-staging, credex-core-service-staging, ...). */
  readonly environment: string;
  /** Region of the log group, for the awslogs driver. */
  readonly region: string;
  readonly vpc: Vpc;
  /** Private subnets: tasks never get a public IP. */
  readonly privateSubnets: readonly Subnet[];
  readonly targetGroup: LbTargetGroup;
  /** The listener that forwards to the target group; the service waits for it. */
  readonly listener: LbListener;
  /** The load balancer's security group: the only source the tasks accept traffic from. */
  readonly loadBalancerSecurityGroup: SecurityGroup;
  /** Repository URL and ARN of the shared ECR repository. */
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  readonly imageTag: string;
  /** The port the app listens on (contracts/app.ts APP_PORT): the container's PORT, port mapping and ingress. */
  readonly containerPort: number;
  /** NODE_ENV of the container. */
  readonly nodeEnv: string;
  /** Fargate CPU units. @default 512 */
  readonly cpu?: number;
  /** Task memory in MiB, valid for `cpu`. @default 1024 */
  readonly memoryMiB?: number;
  /** @default 1 */
  readonly desiredCount?: number;
  /** Auto scaling bounds. @default - desiredCount for both */
  readonly minCount?: number;
  readonly maxCount?: number;
  /** Target average CPU for auto scaling, percent. @default 70 */
  readonly cpuTargetPercent?: number;
  /** @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** ECS Exec: adds the SSM channel permissions to the task role. @default false */
  readonly enableExecuteCommand?: boolean;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Customer-managed KMS key of the log group and of the secrets the execution role reads (it may Decrypt with it).
   * @default - CloudWatch Logs' own encryption; secrets under the AWS-managed key
   */
  readonly kmsKeyArn?: string;
  /**
   * How a new task definition replaces the running one. BLUE_GREEN needs `blueGreen` (the load balancer's routing).
   * @default - ROLLING
   */
  readonly deployment?: { readonly strategy: 'ROLLING' | 'BLUE_GREEN'; readonly bakeTimeMinutes: number };
  /** ECS native blue/green routing from the load balancer; required when deployment.strategy is BLUE_GREEN. */
  readonly blueGreen?: {
    readonly alternateTargetGroup: LbTargetGroup;
    readonly productionListenerRule: LbListenerRule;
    readonly testListenerRule: LbListenerRule;
    readonly listenerArns: readonly string[];
  };
  /**
   * Secrets injected with valueFrom; their ARNs are the only ones the execution role may read. With the plain
   * variables (NODE_ENV, PORT) they must be exactly the variables contracts/app.ts says the task sets.
   */
  readonly secrets: readonly ContainerSecret[];
  readonly permissionsBoundaryArn: string;
}

/**
 * The credex-core API on ECS Fargate: cluster (Container Insights), log group, execution and task roles,
 * the typed task definition (secrets only through valueFrom), a service in private subnets behind the load
 * balancer with the deployment circuit breaker, and CPU target-tracking auto scaling.
 */
export class ApiService extends Construct {
  public readonly cluster: EcsCluster;
  public readonly service: EcsService;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly securityGroup: SecurityGroup;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly image: string;
  /** The role ECS pulls the image and reads the secrets with (the key policy and the secret-read alerts name it). */
  public readonly executionRoleArn: string;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    const env = props.environment;
    const cpu = props.cpu ?? 512;
    const memory = props.memoryMiB ?? 1024;
    const desired = props.desiredCount ?? 1;
    const min = props.minCount ?? desired;
    const max = props.maxCount ?? desired;
    validate(id, {
      cpu,
      memory,
      desired,
      min,
      max,
      cpuTarget: props.cpuTargetPercent ?? 70,
      containerPort: props.containerPort,
      secrets: props.secrets,
      imageTag: props.imageTag,
    });

    this.cluster = new EcsCluster(this, 'cluster', {
      name: clusterName(env),
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: ecsLogGroupName(coreFamily(env)),
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: props.kmsKeyArn,
    });

    const secretArns = [...new Set(props.secrets.map((s) => s.secretArn))];
    const execution = new ServiceRole(this, 'execution-role', {
      name: coreName('execution', env),
      servicePrincipal: 'ecs-tasks.amazonaws.com',
      permissionsBoundaryArn: props.permissionsBoundaryArn,
      statements: [
        { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        {
          sid: 'PullApiImage',
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          resources: [props.repositoryArn],
        },
        {
          sid: 'WriteApiLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        { sid: 'ReadEnvironmentSecrets', actions: ['secretsmanager:GetSecretValue'], resources: secretArns },
        ...(props.kmsKeyArn
          ? [{ sid: 'DecryptEnvironmentSecrets', actions: ['kms:Decrypt'], resources: [props.kmsKeyArn] }]
          : []),
      ],
    });
    this.executionRoleArn = execution.role.arn;
    const taskStatements: PolicyStatement[] = props.enableExecuteCommand
      ? [
          {
            sid: 'EcsExecChannel',
            actions: [
              'ssmmessages:CreateControlChannel',
              'ssmmessages:CreateDataChannel',
              'ssmmessages:OpenControlChannel',
              'ssmmessages:OpenDataChannel',
            ],
            resources: ['*'],
          },
        ]
      : [];
    const task = new ServiceRole(this, 'task-role', {
      name: coreName('task', env),
      servicePrincipal: 'ecs-tasks.amazonaws.com',
      permissionsBoundaryArn: props.permissionsBoundaryArn,
      statements: taskStatements,
    });

    this.image = `${props.repositoryUrl}:${props.imageTag}`;
    const container = {
      name: API_NAME,
      image: this.image,
      essential: true,
      portMappings: [{ containerPort: props.containerPort, protocol: 'tcp' }],
      environment: appPlainVariables({ nodeEnv: props.nodeEnv, port: props.containerPort }),
      secrets: props.secrets.map((s) => ({ name: s.name, valueFrom: `${s.secretArn}:${s.jsonKey}::` })),
      privileged: false,
      readonlyRootFilesystem: false, // the Node.js API writes to /tmp; see README "What is not hardened"
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': this.logGroup.name,
          'awslogs-region': props.region,
          'awslogs-stream-prefix': 'ecs',
        },
      },
    };
    this.taskDefinition = new EcsTaskDefinition(this, 'task', {
      family: coreFamily(env),
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(cpu),
      memory: String(memory),
      executionRoleArn: execution.role.arn,
      taskRoleArn: task.role.arn,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      containerDefinitions: Fn.jsonencode([container]),
    });

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: coreName('tasks', env),
      description: 'credex-core API tasks: traffic only from the load balancer',
      vpcId: props.vpc.id,
      tags: { Name: coreName('tasks', env) },
    });
    new VpcSecurityGroupIngressRule(this, 'from-load-balancer', {
      securityGroupId: this.securityGroup.id,
      description: 'API port from the load balancer only',
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      referencedSecurityGroupId: props.loadBalancerSecurityGroup.id,
    });
    // HTTPS out: ECR, Secrets Manager, CloudWatch Logs and the third-party APIs the app calls, through NAT.
    new VpcSecurityGroupEgressRule(this, 'https-out', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS to AWS APIs and third-party APIs',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    const deployment = props.deployment ?? { strategy: 'ROLLING', bakeTimeMinutes: 0 };
    const blueGreen = deployment.strategy === 'BLUE_GREEN' ? props.blueGreen : undefined;
    if (deployment.strategy === 'BLUE_GREEN' && !blueGreen) {
      throw new Error(`ApiService ${id}: deployment.strategy BLUE_GREEN needs blueGreen (the load balancer's routing)`);
    }
    if (
      !Number.isInteger(deployment.bakeTimeMinutes) ||
      deployment.bakeTimeMinutes < 0 ||
      deployment.bakeTimeMinutes > 1440
    ) {
      throw new Error(
        `ApiService ${id}: deployment.bakeTimeMinutes must be 0..1440, got ${deployment.bakeTimeMinutes}`,
      );
    }
    // The infrastructure role ECS shifts traffic with: this service's listeners, rules and target groups only.
    const bgRole = blueGreen
      ? new ServiceRole(this, 'blue-green-role', {
          name: coreName('blue-green', env),
          servicePrincipal: 'ecs.amazonaws.com',
          permissionsBoundaryArn: props.permissionsBoundaryArn,
          statements: [
            {
              sid: 'ReadRouting',
              actions: [
                'elasticloadbalancing:DescribeListeners',
                'elasticloadbalancing:DescribeRules',
                'elasticloadbalancing:DescribeTargetGroups',
                'elasticloadbalancing:DescribeTargetHealth',
              ],
              resources: ['*'],
            },
            {
              sid: 'ShiftTraffic',
              actions: ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'],
              resources: [
                ...blueGreen.listenerArns,
                blueGreen.productionListenerRule.arn,
                blueGreen.testListenerRule.arn,
              ],
            },
            {
              sid: 'RegisterTasks',
              actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
              resources: [props.targetGroup.arn, blueGreen.alternateTargetGroup.arn],
            },
          ],
        })
      : undefined;

    this.service = new EcsService(this, 'service', {
      name: coreName('service', env),
      cluster: this.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: desired,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds ?? 60,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      // ROLLING replaces tasks behind the one target group; BLUE_GREEN starts green in the alternate target group,
      // shifts all production traffic at once and keeps blue for the bake time (config/<env>.ts service.deployment).
      deploymentConfiguration: blueGreen
        ? { strategy: 'BLUE_GREEN', bakeTimeInMinutes: String(deployment.bakeTimeMinutes) }
        : { strategy: 'ROLLING' },
      // A release that goes bad after it is healthy (5xx, unhealthy targets, fewer tasks than desired) rolls back
      // by itself: during a rolling deployment, and until the end of a blue/green bake.
      propagateTags: 'SERVICE',
      networkConfiguration: {
        subnets: props.privateSubnets.map((s) => s.id),
        securityGroups: [this.securityGroup.id],
        assignPublicIp: false,
      },
      loadBalancer: [
        {
          targetGroupArn: props.targetGroup.arn,
          containerName: container.name,
          containerPort: props.containerPort,
          ...(blueGreen && bgRole
            ? {
                advancedConfiguration: {
                  alternateTargetGroupArn: blueGreen.alternateTargetGroup.arn,
                  productionListenerRule: blueGreen.productionListenerRule.arn,
                  testListenerRule: blueGreen.testListenerRule.arn,
                  roleArn: bgRole.role.arn,
                },
              }
            : {}),
        },
      ],
      // Auto scaling owns the running count after the first deploy.
      lifecycle: { ignoreChanges: ['desired_count'] },
      // The blue/green infrastructure role's policy outlives the service: destroyed first, ECS could no longer
      // deregister targets or restore listener rules and the service would stick in DRAINING (the provider's note).
      dependsOn: [props.listener, ...(bgRole?.policy ? [bgRole.policy] : [])],
    });

    const scaling = new AppautoscalingTarget(this, 'scaling-target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${this.cluster.name}/${this.service.name}`,
      minCapacity: min,
      maxCapacity: max,
    });
    new AppautoscalingPolicy(this, 'cpu-scaling', {
      name: coreName('cpu', env),
      policyType: 'TargetTrackingScaling',
      serviceNamespace: scaling.serviceNamespace,
      scalableDimension: scaling.scalableDimension,
      resourceId: scaling.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.cpuTargetPercent ?? 70,
        predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        scaleInCooldown: 120,
        scaleOutCooldown: 60,
      },
    });
  }

  /**
   * Rolls a deployment back when one of these CloudWatch alarms fires during it (or during a blue/green bake); for
   * alarms created after the service (the monitoring construct), which must not refer to the service resource.
   */
  public rollBackOnAlarms(alarmNames: readonly string[]): void {
    if (alarmNames.length === 0) throw new Error('ApiService.rollBackOnAlarms: no alarm names');
    this.service.putAlarms({ alarmNames: [...alarmNames], enable: true, rollback: true });
  }

  /** Lets the tasks open connections to `target` on `port` (e.g. Bolt on the Neo4j hosts). */
  public allowOutboundTo(id: string, target: SecurityGroup, port: number, description: string): void {
    new VpcSecurityGroupEgressRule(this, `to-${id}`, {
      securityGroupId: this.securityGroup.id,
      description,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: target.id,
    });
  }
}

function validate(
  id: string,
  v: {
    cpu: number;
    memory: number;
    desired: number;
    min: number;
    max: number;
    cpuTarget: number;
    containerPort: number;
    secrets: readonly ContainerSecret[];
    imageTag: string;
  },
): void {
  if (!Token.isUnresolved(v.imageTag) && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(v.imageTag)) {
    throw new Error(
      `ApiService ${id}: imageTag "${v.imageTag}" is not a valid image tag (letters, digits, _ . -, at most 128)`,
    );
  }
  const range = FARGATE_MEMORY[v.cpu];
  if (!range)
    throw new Error(`ApiService ${id}: cpu must be one of ${Object.keys(FARGATE_MEMORY).join(', ')}, got ${v.cpu}`);
  if (v.memory < range[0] || v.memory > range[1]) {
    throw new Error(
      `ApiService ${id}: memoryMiB ${v.memory} is not valid with cpu ${v.cpu} (allowed ${range[0]}-${range[1]})`,
    );
  }
  if (!(v.min >= 0 && v.min <= v.desired && v.desired <= v.max)) {
    throw new Error(
      `ApiService ${id}: need minCount <= desiredCount <= maxCount, got ${v.min} <= ${v.desired} <= ${v.max}`,
    );
  }
  if (!Number.isInteger(v.containerPort) || v.containerPort < 1 || v.containerPort > 65535)
    throw new Error(`ApiService ${id}: containerPort must be a port number (1..65535), got ${v.containerPort}`);
  if (v.cpuTarget <= 0 || v.cpuTarget > 100)
    throw new Error(`ApiService ${id}: cpuTargetPercent must be in (0, 100], got ${v.cpuTarget}`);
  const names = v.secrets.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`ApiService ${id}: secret ${dup} is injected twice`);
  // The container gets exactly the app contract's variables: a missing one stops the app at start-up, an extra one
  // is a value the app does not read.
  const plain = appPlainVariables({ nodeEnv: '', port: 0 }).map((p) => p.name);
  const given = new Set([...plain, ...names]);
  const missing = APP_SET_VARIABLES.map((a) => a.name).filter((n) => !given.has(n));
  if (missing.length > 0)
    throw new Error(`ApiService ${id}: secrets lack ${missing.join(', ')}, which the app reads (contracts/app.ts)`);
  const extra = names.filter((n) => !APP_SET_VARIABLES.some((a) => a.name === n) || plain.includes(n));
  if (extra.length > 0)
    throw new Error(
      `ApiService ${id}: secret ${extra.join(', ')} is not a secret variable of the app (contracts/app.ts)`,
    );
  for (const s of v.secrets) {
    if (!Token.isUnresolved(s.secretArn) && !s.secretArn.startsWith('arn:')) {
      throw new Error(`ApiService ${id}: secret ${s.name} needs a secret ARN, got "${s.secretArn}"`);
    }
  }
}
