import { environmentConfig, EnvironmentConfig, globalConfig } from '../../config';
import { synthEnvironment } from '../support/synth';
import { environment, policyStatements, refId, resource, resources, TfJson } from './helpers';

/** The synthesized values that must follow `service` in config/<env>.ts. */
function serviceValues(json: TfJson) {
  const service = resource(json, 'aws_ecs_service', 'service');
  const task = resource(json, 'aws_ecs_task_definition', 'task');
  const target = resource(json, 'aws_appautoscaling_target', 'scaling');
  const policy = resource(json, 'aws_appautoscaling_policy', 'cpu');
  const taskSg = refId(service.network_configuration.security_groups[0]);
  const fromAlb = resources(json, 'aws_vpc_security_group_ingress_rule').filter(
    ([, r]) => refId(r.security_group_id) === taskSg,
  );
  return {
    desiredCount: service.desired_count,
    minCount: target.min_capacity,
    maxCount: target.max_capacity,
    cpuTargetPercent: policy.target_tracking_scaling_policy_configuration.target_value,
    healthCheckGracePeriodSeconds: service.health_check_grace_period_seconds,
    cpu: Number(task.cpu),
    memoryMiB: Number(task.memory),
    containerPort: service.load_balancer[0].container_port,
    taskIngressPorts: fromAlb.map(([, r]) => [r.from_port, r.to_port]),
    targetGroupPort: resource(json, 'aws_lb_target_group', 'targets').port,
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
  containerPort: c.containerPort,
  taskIngressPorts: [[c.containerPort, c.containerPort]],
  targetGroupPort: c.containerPort,
  logRetentionDays: c.logRetentionDays,
  enableExecuteCommand: c.enableExecuteCommand,
});

describe.each(['staging', 'production'] as const)('%s API service', (env) => {
  const { json } = environment(env);
  const config = environmentConfig(env).service;

  test('counts, sizes, scaling, grace period, port and log retention are the ones in config', () => {
    expect(serviceValues(json)).toEqual(expectedValues(config));
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
    expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: config.containerPort, to_port: config.containerPort });
  });

  test('secrets reach the container only through valueFrom', () => {
    const task = resource(json, 'aws_ecs_task_definition', 'task');
    const defs: string = task.container_definitions;
    // Plain environment holds NODE_ENV and nothing else.
    expect(defs).toContain(`"environment" = [{"name" = "NODE_ENV", "value" = "${env}"}]`);
    const names = [
      ...defs.matchAll(
        /"name" = "([A-Z0-9_]+)", "valueFrom" = "\$\{aws_secretsmanager_secret\.[^}]+\.arn\}:([a-zA-Z_]+)::"/g,
      ),
    ].map((m) => m[1]);
    expect(names.sort()).toEqual(
      [
        'JWT_SECRET',
        'OPEN_EXCHANGE_RATES_API',
        'WHATSAPP_BOT_API_KEY',
        'NEO4J_LEDGER_SPACE_BOLT_URL',
        'NEO4J_LEDGER_SPACE_USER',
        'NEO4J_LEDGER_SPACE_PASS',
        'NEO4J_SEARCH_SPACE_BOLT_URL',
        'NEO4J_SEARCH_SPACE_USER',
        'NEO4J_SEARCH_SPACE_PASS',
      ].sort(),
    );
    expect(defs).toContain('"awslogs-stream-prefix" = "ecs"');
    expect(defs).toContain('"privileged" = false');
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
    containerPort: 8080,
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
