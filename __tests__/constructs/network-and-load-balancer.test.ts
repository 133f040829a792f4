import { Testing } from 'cdktf';
import { environmentConfig, globalConfig } from '../../config';
import { EnvironmentStack } from '../../constructs/environment-stack';
import { Network } from '../../constructs/network';
import { emptyStack, environment, refId, resource, resources } from './helpers';

describe.each(['staging', 'production'] as const)('%s network and load balancer', (env) => {
  const { json } = environment(env);

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
    expect(group.retention_in_days).toBeGreaterThan(0);
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
    expect(alb.access_logs.enabled).toBe(true);
    for (const id of alb.subnets.map(refId)) expect(resource(json, 'aws_subnet', id).tags.Tier).toBe('public');
    const block = resources(json, 'aws_s3_bucket_public_access_block')[0][1];
    expect([block.block_public_acls, block.block_public_policy, block.ignore_public_acls, block.restrict_public_buckets]).toEqual([true, true, true, true]);
  });

  test('the load balancer group is open to the world on 80/443 only', () => {
    const albSg = refId(resource(json, 'aws_lb', 'alb').security_groups[0]);
    const rules = resources(json, 'aws_vpc_security_group_ingress_rule').filter(([, r]) => refId(r.security_group_id) === albSg).map(([, r]) => r);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect([80, 443]).toContain(r.from_port);
      expect(r.to_port).toBe(r.from_port);
    }
  });

  test('target group health-checks the configured path', () => {
    expect(resource(json, 'aws_lb_target_group', 'targets').health_check.path).toBe('/health');
  });
});

test('production serves HTTPS (TLS 1.2+) and redirects HTTP; staging without a certificate forwards HTTP', () => {
  const p = environment('production').json;
  const listeners = resources(p, 'aws_lb_listener').map(([, l]) => l);
  const https = listeners.find((l) => l.protocol === 'HTTPS')!;
  expect(https.ssl_policy).toMatch(/TLS13-1-2/);
  // No certificate ARN in config: the ISSUED certificate of the configured domain, looked up at plan time.
  const certificate = (p.data as any).aws_acm_certificate[refId(https.certificate_arn.replace('${data.', '${'))];
  expect(certificate).toMatchObject({ domain: 'api.mycredex.app', statuses: ['ISSUED'], most_recent: true });
  expect((environment('staging').json.data as any).aws_acm_certificate).toBeUndefined();
  expect(listeners.find((l) => l.protocol === 'HTTP')!.default_action[0].type).toBe('redirect');
  expect(resource(p, 'aws_lb', 'alb').enable_deletion_protection).toBe(true);

  const s = environment('staging').json;
  const stagingListeners = resources(s, 'aws_lb_listener').map(([, l]) => l);
  expect(stagingListeners.map((l) => l.protocol)).toEqual(['HTTP']);
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
  expect(() => new EnvironmentStack(Testing.app(), 'staging', { env, global: globalConfig, amiBuildScriptHash: 'x' })).toThrow(
    /without certificateArn or domainName, httpOnlyReason must say why/,
  );
});
