import { environment, policyStatements, refId, resource, resources } from './helpers';

describe.each(['staging', 'production'] as const)('%s API service', (env) => {
  const { json } = environment(env);

  test('names carry the environment', () => {
    expect(resource(json, 'aws_ecs_cluster', 'cluster').name).toBe(`credex-cluster-${env}`);
    expect(resource(json, 'aws_ecs_service', 'service').name).toBe(`credex-core-service-${env}`);
    expect(resource(json, 'aws_cloudwatch_log_group', 'api_logs').name).toBe(`/ecs/credex-core-${env}`);
  });

  test('cluster has Container Insights; service has circuit breaker with rollback and no public IP', () => {
    expect(resource(json, 'aws_ecs_cluster', 'cluster').setting).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    const service = resource(json, 'aws_ecs_service', 'service');
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    expect(service.network_configuration.assign_public_ip).toBe(false);
    expect(service.launch_type).toBe('FARGATE');
    expect(service.health_check_grace_period_seconds).toBeGreaterThan(0);
    const subnetIds = service.network_configuration.subnets.map(refId);
    for (const id of subnetIds) expect(resource(json, 'aws_subnet', id).tags.Tier).toBe('private');
  });

  test('tasks accept traffic only from the load balancer security group', () => {
    const service = resource(json, 'aws_ecs_service', 'service');
    const taskSg = refId(service.network_configuration.security_groups[0]);
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').filter(([, r]) => refId(r.security_group_id) === taskSg);
    expect(ingress).toHaveLength(1);
    const [, rule] = ingress[0];
    expect(rule.cidr_ipv4).toBeUndefined();
    expect(rule.cidr_ipv6).toBeUndefined();
    const albSg = refId(resource(json, 'aws_lb', 'alb').security_groups[0]);
    expect(refId(rule.referenced_security_group_id)).toBe(albSg);
    expect(rule.from_port).toBe(5000);
  });

  test('secrets reach the container only through valueFrom', () => {
    const task = resource(json, 'aws_ecs_task_definition', 'task');
    const defs: string = task.container_definitions;
    // Plain environment holds NODE_ENV and nothing else.
    expect(defs).toContain(`"environment" = [{"name" = "NODE_ENV", "value" = "${env}"}]`);
    const names = [...defs.matchAll(/"name" = "([A-Z0-9_]+)", "valueFrom" = "\$\{aws_secretsmanager_secret\.[^}]+\.arn\}:([a-zA-Z_]+)::"/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(
      [
        'JWT_SECRET', 'OPEN_EXCHANGE_RATES_API', 'WHATSAPP_BOT_API_KEY',
        'NEO4J_LEDGER_SPACE_BOLT_URL', 'NEO4J_LEDGER_SPACE_USER', 'NEO4J_LEDGER_SPACE_PASS',
        'NEO4J_SEARCH_SPACE_BOLT_URL', 'NEO4J_SEARCH_SPACE_USER', 'NEO4J_SEARCH_SPACE_PASS',
      ].sort(),
    );
    expect(defs).toContain('"awslogs-stream-prefix" = "ecs"');
    expect(defs).toContain('"privileged" = false');
  });

  test('execution role: ECR pull, log writes and this environment\'s secrets, each scoped to an ARN', () => {
    const policy = resources(json, 'aws_iam_role_policy').find(([id]) => id.includes('execution-role'))![1];
    const statements = policyStatements(json, policy.policy);
    const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));
    expect(bySid.EcrLogin.resources).toEqual(['*']); // GetAuthorizationToken cannot be scoped
    expect(bySid.EcrLogin.actions).toEqual(['ecr:GetAuthorizationToken']);
    expect(bySid.PullApiImage.resources).toEqual(['${data.aws_ecr_repository.repository.arn}']);
    expect(bySid.WriteApiLogs.resources[0]).toMatch(/^\$\{aws_cloudwatch_log_group\.api_logs_[A-F0-9]+\.arn\}:\*$/);
    const secretIds = bySid.ReadEnvironmentSecrets.resources.map(refId).sort();
    const secretNames = secretIds.map((id: string) => resource(json, 'aws_secretsmanager_secret', id).name).sort();
    expect(secretNames).toEqual([`credex-core/${env}/app`, env === 'staging' ? 'neo4j_stage_secrets' : 'neo4j_prod_secrets'].sort());
    for (const s of statements) if (s.sid !== 'EcrLogin' && s.sid !== 'EcsExecChannel') expect(s.resources).not.toContain('*');
  });

  test('every role carries the permissions boundary', () => {
    for (const [, role] of resources(json, 'aws_iam_role')) {
      expect(role.permissions_boundary).toMatch(/:policy\/credex-permissions-boundary$/);
    }
  });

  test('auto scaling tracks CPU within the configured bounds', () => {
    const target = resource(json, 'aws_appautoscaling_target', 'scaling');
    const policy = resource(json, 'aws_appautoscaling_policy', 'cpu');
    expect(policy.target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type).toBe(
      'ECSServiceAverageCPUUtilization',
    );
    expect(target.min_capacity).toBeLessThanOrEqual(target.max_capacity);
  });
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
