import { Testing } from 'cdktf';
import { environmentConfig, globalConfig } from '../../config';
import { APP_HEALTH, APP_PORT } from '../../contracts/app';
import { EnvironmentStack } from '../../constructs/environment-stack';
import { Network } from '../../constructs/network';
import { emptyStack, environment, refId, resource, resources, TfJson } from '../support/constructs';

/** The ingress rules on the load balancer's security group, as [port range, protocol, source]. */
function albIngress(json: TfJson): string[] {
  const albSg = refId(resource(json, 'aws_lb', 'alb').security_groups[0]);
  return resources(json, 'aws_vpc_security_group_ingress_rule')
    .filter(([, r]) => refId(r.security_group_id) === albSg)
    .map(
      ([, r]) =>
        `${r.from_port}-${r.to_port}/${r.ip_protocol} from ${r.cidr_ipv4 ?? r.cidr_ipv6 ?? r.referenced_security_group_id}`,
    )
    .sort();
}

describe.each(['staging', 'production'] as const)('%s network and load balancer', (env) => {
  const { json } = environment(env);
  const config = environmentConfig(env);

  test('two public and two private subnets in two zones; no subnet maps public IPs', () => {
    const subnets = resources(json, 'aws_subnet').map(([, s]) => s);
    expect(subnets.filter((s) => s.tags.Tier === 'public')).toHaveLength(2);
    expect(subnets.filter((s) => s.tags.Tier === 'private')).toHaveLength(2);
    expect(new Set(subnets.map((s) => s.availability_zone)).size).toBe(2);
    for (const s of subnets) expect(s.map_public_ip_on_launch).toBe(false);
  });

  test('private subnets route to a NAT gateway, public ones to the internet gateway', () => {
    const routes = resources(json, 'aws_route').map(([, r]) => r);
    expect(routes.filter((r) => r.nat_gateway_id)).toHaveLength(2);
    expect(routes.filter((r) => r.gateway_id)).toHaveLength(1);
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(env === 'production' ? 2 : 1);
  });

  test('flow logs capture all traffic of the VPC into a log group with retention', () => {
    const flow = resources(json, 'aws_flow_log')[0][1];
    expect(flow.traffic_type).toBe('ALL');
    expect(refId(flow.vpc_id)).toBe(resources(json, 'aws_vpc')[0][0]);
    const group = resource(json, 'aws_cloudwatch_log_group', refId(flow.log_destination));
    expect(group.retention_in_days).toBe(config.network.flowLogRetentionDays);
    // Ten-minute aggregation (issue 17, item k): one record per long-lived connection per ten minutes, not per minute.
    expect(flow.max_aggregation_interval).toBe(600);
    // What they cost follows the number of flows: a day's ingestion above the configured size notifies the topic.
    const alarms = resources(json, 'aws_cloudwatch_metric_alarm')
      .map(([, a]) => a)
      .filter((a) => a.metric_name === 'IncomingBytes' && a.namespace === 'AWS/Logs');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      dimensions: { LogGroupName: group.name },
      statistic: 'Sum',
      period: 86400,
      threshold: Math.round(config.network.flowLogDailyIngestAlarmGiB * 2 ** 30),
      comparison_operator: 'GreaterThanThreshold',
    });
    expect(alarms[0].alarm_actions).toHaveLength(1);
  });

  test('the default security group is left with no rules', () => {
    const sg = resources(json, 'aws_default_security_group')[0][1];
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  test('load balancer: public subnets, invalid headers dropped, access logs to a private bucket', () => {
    const alb = resource(json, 'aws_lb', 'alb');
    expect(alb.internal).toBe(false);
    expect(alb.drop_invalid_header_fields).toBe(true);
    for (const id of alb.subnets.map(refId)) expect(resource(json, 'aws_subnet', id).tags.Tier).toBe('public');
    const buckets = resources(json, 'aws_s3_bucket');
    expect(buckets).toHaveLength(1);
    const bucketId = buckets[0][0];
    expect(alb.access_logs).toEqual({ enabled: true, prefix: 'alb', bucket: `\${aws_s3_bucket.${bucketId}.bucket}` });
    const ofBucket = (type: string) =>
      resources(json, type)
        .filter(([, r]) => r.bucket === `\${aws_s3_bucket.${bucketId}.id}`)
        .map(([, r]) => r);
    expect(ofBucket('aws_s3_bucket_public_access_block')).toEqual([
      expect.objectContaining({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ]);
    expect(ofBucket('aws_s3_bucket_server_side_encryption_configuration')).toHaveLength(1);
    expect(ofBucket('aws_s3_bucket_lifecycle_configuration')[0].rule[0].expiration).toEqual([
      { days: config.loadBalancer.accessLogRetentionDays },
    ]);
  });

  test('the load balancer group is open to the world on exactly the listener ports (443 only with a certificate)', () => {
    const world = (port: number) => [`${port}-${port}/tcp from 0.0.0.0/0`, `${port}-${port}/tcp from ::/0`];
    expect(albIngress(json)).toEqual(env === 'production' ? [...world(443), ...world(80)] : world(80));
  });

  test("target group health-checks the app contract's health path on its port", () => {
    expect(resource(json, 'aws_lb_target_group', 'targets')).toMatchObject({
      port: APP_PORT,
      protocol: 'HTTP',
      target_type: 'ip',
      health_check: { enabled: true, path: APP_HEALTH.path, matcher: String(APP_HEALTH.status) },
    });
  });
});

test("production serves HTTPS on 443 (TLS 1.3/1.2 policy, the domain's ACM certificate) and redirects HTTP to it", () => {
  const p = environment('production').json;
  const albId = resources(p, 'aws_lb')[0][0];
  const targetGroupId = resources(p, 'aws_lb_target_group')[0][0];
  const listeners = Object.fromEntries(resources(p, 'aws_lb_listener').map(([, l]) => [`${l.protocol}:${l.port}`, l]));
  // 8443: the blue/green test listener (config/production.ts service.deployment), HTTPS with the same certificate.
  expect(Object.keys(listeners).sort()).toEqual(['HTTP:80', 'HTTPS:443', 'HTTPS:8443']);
  const https = listeners['HTTPS:443'];
  expect(https).toMatchObject({
    load_balancer_arn: `\${aws_lb.${albId}.arn}`,
    port: 443,
    protocol: 'HTTPS',
    ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    default_action: [{ type: 'forward', target_group_arn: `\${aws_lb_target_group.${targetGroupId}.arn}` }],
  });
  // No certificate ARN in config: the ISSUED certificate of the configured domain, looked up at plan time.
  const certificates = Object.entries((p.data as any).aws_acm_certificate) as [string, any][];
  expect(certificates).toHaveLength(1);
  const [certificateId, certificate] = certificates[0];
  expect(https.certificate_arn).toBe(`\${data.aws_acm_certificate.${certificateId}.arn}`);
  expect(certificate).toMatchObject({
    domain: environmentConfig('production').loadBalancer.domainName,
    statuses: ['ISSUED'],
    most_recent: true,
  });
  expect(listeners['HTTP:80'].default_action).toEqual([
    { type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' } },
  ]);
  // The service waits for the HTTPS listener, so its target group is attached before tasks register.
  expect(resource(p, 'aws_ecs_service', 'service').depends_on).toContain(
    `aws_lb_listener.${resources(p, 'aws_lb_listener').find(([, l]) => l.port === 443)![0]}`,
  );
  expect(resource(p, 'aws_lb', 'alb').enable_deletion_protection).toBe(true);
});

test('staging without a certificate forwards plain HTTP on 80 and has no HTTPS listener or certificate lookup', () => {
  const s = environment('staging').json;
  const targetGroupId = resources(s, 'aws_lb_target_group')[0][0];
  const listeners = resources(s, 'aws_lb_listener').map(([, l]) => l);
  expect(listeners.map((l) => [l.protocol, l.port, l.default_action])).toEqual([
    ['HTTP', 80, [{ type: 'forward', target_group_arn: `\${aws_lb_target_group.${targetGroupId}.arn}` }]],
  ]);
  expect((s.data as any).aws_acm_certificate).toBeUndefined();
  expect(resource(s, 'aws_lb', 'alb').enable_deletion_protection).toBe(false);
});

test('stacks use an S3 backend with one key per stack, encrypted and locked', () => {
  for (const env of ['staging', 'production'] as const) {
    const backend = (environment(env).json.terraform as any).backend.s3;
    expect(backend).toMatchObject({ key: `credex-infra/${env}.tfstate`, encrypt: true, use_lockfile: true });
  }
});

test.each([
  [{ availabilityZones: ['af-south-1a'] }, /availabilityZones needs at least two zones/],
  [{ natGateways: 3 }, /natGateways must be between 1 and 2/],
  [{ privateSubnetCidrs: ['10.0.10.0/24'] }, /one CIDR per availability zone/],
])('Network rejects contradictory props %#', (override, message) => {
  const stack = emptyStack();
  expect(
    () =>
      new Network(stack, 'network', {
        namePrefix: 'credex-test',
        region: 'af-south-1',
        vpcCidr: '10.0.0.0/16',
        availabilityZones: ['af-south-1a', 'af-south-1b'],
        publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
        privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
        permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/b',
        ...override,
      }),
  ).toThrow(message);
});

test('plain HTTP needs a stated reason (the waiver itself is tested on the synthesized files)', () => {
  const base = environmentConfig('staging');
  const env = { ...base, loadBalancer: { ...base.loadBalancer, httpOnlyReason: undefined } };
  expect(
    () =>
      new EnvironmentStack(Testing.app(), 'staging', {
        env,
        global: globalConfig,
        amiBuildScriptHash: 'x',
        neo4jRotationPackage: 'not-reached.zip',
      }),
  ).toThrow(/without certificateArn or domainName, httpOnlyReason must say why/);
});
