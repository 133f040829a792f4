import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { TerraformStack, Testing } from 'cdktf';
import { environmentConfig, EnvironmentConfig, globalConfig } from '../../config';
import { APP_PORT, APP_SET_VARIABLES, appSecretVariables } from '../../contracts/app';
import { jsonencodeToJson } from '../../policies/engine/hcl';
import { LoadBalancer } from '../../constructs/load-balancer';
import { ApiService, type ContainerSecret } from '../../constructs/service';
import { synthEnvironment } from '../support/synth';
import { environment, policyStatements, refId, resource, resources, TfJson } from '../support/constructs';

/** The one container of the API's task definition, parsed from cdktf's ${jsonencode(...)} (references kept). */
function container(json: TfJson): Record<string, any> {
  const defs = jsonencodeToJson(resource(json, 'aws_ecs_task_definition', 'task').container_definitions);
  if (!defs) throw new Error('container_definitions is not a jsonencode expression the test can read');
  const list = JSON.parse(defs) as Record<string, any>[];
  expect(list).toHaveLength(1);
  return list[0];
}

/** The synthesized values that must follow `service` in config/<env>.ts. */
function serviceValues(json: TfJson) {
  const service = resource(json, 'aws_ecs_service', 'service');
  const task = resource(json, 'aws_ecs_task_definition', 'task');
  const target = resource(json, 'aws_appautoscaling_target', 'scaling');
  const policy = resource(json, 'aws_appautoscaling_policy', 'cpu');
  return {
    desiredCount: service.desired_count,
    minCount: target.min_capacity,
    maxCount: target.max_capacity,
    cpuTargetPercent: policy.target_tracking_scaling_policy_configuration.target_value,
    healthCheckGracePeriodSeconds: service.health_check_grace_period_seconds,
    cpu: Number(task.cpu),
    memoryMiB: Number(task.memory),
    logRetentionDays: resource(json, 'aws_cloudwatch_log_group', 'api_logs').retention_in_days,
    enableExecuteCommand: service.enable_execute_command,
  };
}

const expectedValues = (c: EnvironmentConfig['service']) => ({
  desiredCount: c.desiredCount,
  minCount: c.minCount,
  maxCount: c.maxCount,
  cpuTargetPercent: c.cpuTargetPercent,
  healthCheckGracePeriodSeconds: c.healthCheckGracePeriodSeconds,
  cpu: c.cpu,
  memoryMiB: c.memoryMiB,
  logRetentionDays: c.logRetentionDays,
  enableExecuteCommand: c.enableExecuteCommand,
});

describe.each(['staging', 'production'] as const)('%s API service', (env) => {
  const { json } = environment(env);
  const config = environmentConfig(env).service;

  test('counts, sizes, scaling, grace period and log retention are the ones in config', () => {
    expect(serviceValues(json)).toEqual(expectedValues(config));
  });

  test("one port, the app contract's: PORT, port mapping, service, target group, task ingress and ALB egress agree", () => {
    const c = container(json);
    const service = resource(json, 'aws_ecs_service', 'service');
    const taskSg = refId(service.network_configuration.security_groups[0]);
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').filter(
      ([, r]) => refId(r.security_group_id) === taskSg,
    );
    const group = resource(json, 'aws_lb_target_group', 'targets');
    const albSg = refId(resource(json, 'aws_lb', 'alb').security_groups[0]);
    // The load balancer's only egress: to the targets' port, inside the VPC.
    const albEgress = resources(json, 'aws_vpc_security_group_egress_rule').filter(
      ([, r]) => refId(r.security_group_id) === albSg,
    );
    const ports = {
      PORT: Number(c.environment.find((e: { name: string }) => e.name === 'PORT')?.value),
      portMapping: c.portMappings.map((m: { containerPort: number }) => m.containerPort),
      service: service.load_balancer.map((l: { container_port: number }) => l.container_port),
      targetGroup: group.port,
      // The health check goes to the target's own port unless the target group names another.
      healthCheck: group.health_check.port ?? 'traffic-port',
      taskIngress: ingress.map(([, r]) => [r.from_port, r.to_port]),
      loadBalancerEgress: albEgress.map(([, r]) => [r.from_port, r.to_port]),
    };
    expect(ports).toEqual({
      PORT: APP_PORT,
      portMapping: [APP_PORT],
      service: [APP_PORT],
      targetGroup: APP_PORT,
      healthCheck: 'traffic-port',
      taskIngress: [[APP_PORT, APP_PORT]],
      loadBalancerEgress: [[APP_PORT, APP_PORT]],
    });
  });

  test('names carry the environment', () => {
    expect(resource(json, 'aws_ecs_cluster', 'cluster').name).toBe(`credex-cluster-${env}`);
    expect(resource(json, 'aws_ecs_service', 'service').name).toBe(`credex-core-service-${env}`);
    expect(resource(json, 'aws_cloudwatch_log_group', 'api_logs').name).toBe(`/ecs/credex-core-${env}`);
  });

  test('cluster has Container Insights; service has circuit breaker with rollback and no public IP', () => {
    expect(resource(json, 'aws_ecs_cluster', 'cluster').setting).toEqual([
      { name: 'containerInsights', value: 'enabled' },
    ]);
    const service = resource(json, 'aws_ecs_service', 'service');
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    expect(service.network_configuration.assign_public_ip).toBe(false);
    expect(service.launch_type).toBe('FARGATE');
    const subnetIds = service.network_configuration.subnets.map(refId);
    for (const id of subnetIds) expect(resource(json, 'aws_subnet', id).tags.Tier).toBe('private');
  });

  test('tasks accept traffic only from the load balancer security group', () => {
    const service = resource(json, 'aws_ecs_service', 'service');
    const taskSg = refId(service.network_configuration.security_groups[0]);
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').filter(
      ([, r]) => refId(r.security_group_id) === taskSg,
    );
    expect(ingress).toHaveLength(1);
    const [, rule] = ingress[0];
    expect(rule.cidr_ipv4).toBeUndefined();
    expect(rule.cidr_ipv6).toBeUndefined();
    const albSg = refId(resource(json, 'aws_lb', 'alb').security_groups[0]);
    expect(refId(rule.referenced_security_group_id)).toBe(albSg);
    expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: APP_PORT, to_port: APP_PORT });
  });

  test("the container gets exactly the app contract's variables: plain NODE_ENV and PORT, the rest by valueFrom", () => {
    const c = container(json);
    expect(c.environment).toEqual([
      { name: 'NODE_ENV', value: environmentConfig(env).nodeEnv },
      { name: 'PORT', value: String(APP_PORT) },
    ]);
    // Each secret variable names the secret (by its name in this stack) and the JSON key the contract says.
    const secretName = { app: `credex-core/${env}/app`, neo4j: environmentConfig(env).neo4j.secretName };
    const injected = c.secrets.map((s: { name: string; valueFrom: string }) => {
      const m = /^\$\{aws_secretsmanager_secret\.([^.}]+)\.arn\}:([A-Za-z0-9_]+)::$/.exec(s.valueFrom);
      if (!m) throw new Error(`${s.name}: valueFrom is not <secret arn>:<json key>:: (${s.valueFrom})`);
      return { name: s.name, secret: resource(json, 'aws_secretsmanager_secret', m[1]).name, jsonKey: m[2] };
    });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(injected.sort(byName)).toEqual(
      appSecretVariables()
        .map((v) => ({ name: v.name, secret: secretName[v.secret], jsonKey: v.jsonKey }))
        .sort(byName),
    );
    const all = [...c.environment, ...c.secrets].map((v: { name: string }) => v.name).sort();
    expect(all).toEqual(APP_SET_VARIABLES.map((v) => v.name).sort());
    expect(all).toContain('CLIENT_API_KEY');
    expect(all).not.toContain('WHATSAPP_BOT_API_KEY');
    expect(c.logConfiguration.options['awslogs-stream-prefix']).toBe('ecs');
    expect(c.privileged).toBe(false);
  });

  test("execution role: ECR pull, log writes and this environment's secrets, each scoped to an ARN", () => {
    const policy = resources(json, 'aws_iam_role_policy').find(([id]) => id.includes('execution-role'))![1];
    const statements = policyStatements(json, policy.policy);
    const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));
    expect(bySid.EcrLogin.resources).toEqual(['*']); // GetAuthorizationToken cannot be scoped
    expect(bySid.EcrLogin.actions).toEqual(['ecr:GetAuthorizationToken']);
    expect(bySid.PullApiImage.resources).toEqual(['${data.aws_ecr_repository.repository.arn}']);
    expect(bySid.WriteApiLogs.resources[0]).toMatch(/^\$\{aws_cloudwatch_log_group\.api_logs_[A-F0-9]+\.arn\}:\*$/);
    const secretIds = bySid.ReadEnvironmentSecrets.resources.map(refId).sort();
    const secretNames = secretIds.map((id: string) => resource(json, 'aws_secretsmanager_secret', id).name).sort();
    expect(secretNames).toEqual(
      [`credex-core/${env}/app`, env === 'staging' ? 'neo4j_stage_secrets' : 'neo4j_prod_secrets'].sort(),
    );
    for (const s of statements)
      if (s.sid !== 'EcrLogin' && s.sid !== 'EcsExecChannel') expect(s.resources).not.toContain('*');
  });

  test('the service is destroyed before the policy of the role ECS calls the load balancer with (issue 17, item m)', () => {
    // Provider docs (aws_ecs_service): depends_on the related aws_iam_role_policy, or the service can stick in
    // DRAINING on destroy. With awsvpc ECS uses its service-linked role, except blue/green's infrastructure role.
    const service = resource(json, 'aws_ecs_service', 'service');
    const advanced = service.load_balancer[0].advanced_configuration;
    if (!advanced) {
      expect(environmentConfig(env).service.deployment.strategy).toBe('ROLLING');
      return;
    }
    const role = refId(advanced.role_arn);
    const policies = resources(json, 'aws_iam_role_policy').filter(([, p]) => refId(p.role) === role);
    expect(policies).toHaveLength(1);
    expect(service.depends_on).toContain(`aws_iam_role_policy.${policies[0][0]}`);
  });

  test('every role carries the permissions boundary', () => {
    const roles = resources(json, 'aws_iam_role').map(([, role]) => role);
    expect(roles.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        `credex-core-execution-${env}`,
        `credex-core-task-${env}`,
        `credex-${env}-neo4j-ledgerspace`,
        `credex-${env}-neo4j-searchspace`,
      ]),
    );
    const boundary = `arn:\${data.aws_partition.partition.partition}:iam::\${data.aws_caller_identity.account.account_id}:policy/${globalConfig.permissionsBoundaryName}`;
    for (const role of roles) expect([role.name, role.permissions_boundary]).toEqual([role.name, boundary]);
  });

  test("auto scaling tracks the service's average CPU at the configured target, between the configured bounds", () => {
    const target = resource(json, 'aws_appautoscaling_target', 'scaling');
    const targetId = resources(json, 'aws_appautoscaling_target')[0][0];
    const policy = resource(json, 'aws_appautoscaling_policy', 'cpu');
    const [clusterId, serviceId] = [resources(json, 'aws_ecs_cluster')[0][0], resources(json, 'aws_ecs_service')[0][0]];
    expect(target).toMatchObject({
      service_namespace: 'ecs',
      scalable_dimension: 'ecs:service:DesiredCount',
      resource_id: `service/\${aws_ecs_cluster.${clusterId}.name}/\${aws_ecs_service.${serviceId}.name}`,
      min_capacity: config.minCount,
      max_capacity: config.maxCount,
    });
    expect(policy).toMatchObject({
      policy_type: 'TargetTrackingScaling',
      resource_id: `\${aws_appautoscaling_target.${targetId}.resource_id}`,
    });
    expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({
      predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' },
      target_value: config.cpuTargetPercent,
    });
  });
});

test('the service values come from config, not from constants that happen to match it', () => {
  // Values no environment uses, so a construct that ignores a field and hard-codes today's value fails here.
  const base = environmentConfig('staging');
  const service = {
    ...base.service,
    desiredCount: 3,
    minCount: 3,
    maxCount: 5,
    cpuTargetPercent: 55,
    healthCheckGracePeriodSeconds: 95,
    cpu: 2048,
    memoryMiB: 4096,
    logRetentionDays: 14,
    enableExecuteCommand: false,
  };
  expect(serviceValues(synthEnvironment({ ...base, service }))).toEqual(expectedValues(service));
});

test('environments differ only where config says: counts, sizes, ECS Exec', () => {
  const s = environment('staging').json;
  const p = environment('production').json;
  const svc = (j: typeof s) => resource(j, 'aws_ecs_service', 'service');
  const task = (j: typeof s) => resource(j, 'aws_ecs_task_definition', 'task');
  expect([svc(s).desired_count, svc(p).desired_count]).toEqual([1, 2]);
  expect([task(s).cpu, task(s).memory, task(p).cpu, task(p).memory]).toEqual(['512', '1024', '1024', '2048']);
  expect([svc(s).enable_execute_command, svc(p).enable_execute_command]).toEqual([true, false]);
  const target = (j: typeof s) => resource(j, 'aws_appautoscaling_target', 'scaling');
  expect([target(s).max_capacity, target(p).max_capacity]).toEqual([2, 6]);
  // The task role of production (no ECS Exec) has no policy at all.
  expect(resources(p, 'aws_iam_role_policy').filter(([id]) => id.includes('task-role'))).toHaveLength(0);
});

describe("the task definition cannot leave the app contract's variables", () => {
  /** An ApiService with these secrets, in a stack of its own. */
  const build = (secrets: ContainerSecret[], containerPort: number = APP_PORT) => {
    const stack = new TerraformStack(Testing.app(), 's');
    new AwsProvider(stack, 'aws', { region: 'af-south-1' });
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
    const subnets = [0, 1].map((i) => new Subnet(stack, `s${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24` }));
    const lb = new LoadBalancer(stack, 'lb', {
      namePrefix: 'credex-t',
      vpc,
      publicSubnets: subnets,
      targetPort: APP_PORT,
      healthCheckPath: '/health',
      httpOnlyReason: 'test',
    });
    return new ApiService(stack, 'api', {
      environment: 't',
      region: 'af-south-1',
      vpc,
      privateSubnets: subnets,
      targetGroup: lb.targetGroup,
      listener: lb.forwardingListener,
      loadBalancerSecurityGroup: lb.securityGroup,
      repositoryUrl: '1.dkr.ecr.af-south-1.amazonaws.com/credex-core',
      repositoryArn: 'arn:aws:ecr:af-south-1:1:repository/credex-core',
      imageTag: 'sha',
      containerPort,
      nodeEnv: 'test',
      secrets,
      permissionsBoundaryArn: 'arn:aws:iam::1:policy/b',
    });
  };
  const contract = (): ContainerSecret[] =>
    appSecretVariables().map((v) => ({
      name: v.name,
      secretArn: `arn:aws:secretsmanager:af-south-1:1:secret:${v.secret}`,
      jsonKey: v.jsonKey,
    }));

  test('the contract set builds', () => {
    expect(() => build(contract())).not.toThrow();
  });

  test('without CLIENT_API_KEY (the app would exit at start-up) it is refused', () => {
    expect(() => build(contract().filter((s) => s.name !== 'CLIENT_API_KEY'))).toThrow(
      'ApiService api: secrets lack CLIENT_API_KEY, which the app reads (contracts/app.ts)',
    );
  });

  test('a renamed variable (the old NEO4J_ spelling) is refused: missing and unknown', () => {
    const renamed = contract().map((s) =>
      s.name === 'NEO_4J_LEDGER_SPACE_PASS' ? { ...s, name: 'NEO4J_LEDGER_SPACE_PASS' } : s,
    );
    expect(() => build(renamed)).toThrow('secrets lack NEO_4J_LEDGER_SPACE_PASS');
    expect(() => build([...contract(), { ...contract()[0], name: 'WHATSAPP_BOT_API_KEY' }])).toThrow(
      'ApiService api: secret WHATSAPP_BOT_API_KEY is not a secret variable of the app (contracts/app.ts)',
    );
  });

  test('a port that is not a port is refused', () => {
    expect(() => build(contract(), 70000)).toThrow('ApiService api: containerPort must be a port number (1..65535)');
  });
});
