/**
 * Zero-downtime releases with automatic rollback, as synthesized: production deploys blue/green (ECS native, bake
 * time from config, alternate target group, production and test listener rules, an infrastructure role scoped to
 * them); staging stays rolling (config decides); both roll back on the 5xx, unhealthy-target and running-below-
 * desired alarms.
 */
import { appSecretVariables } from '../../contracts/app';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { TerraformStack, Testing } from 'cdktf';
import { environmentConfig } from '../../config';

const production = environmentConfig('production');
const staging = environmentConfig('staging');
import { ApiService } from '../../constructs/service';
import { LoadBalancer } from '../../constructs/load-balancer';
import { projectStack, type TfJson } from '../support/synth';

const entries = (json: TfJson, type: string) => Object.entries(json.resource[type] ?? {});
const ref = (type: string, id: string, attr = 'arn') => `\${${type}.${id}.${attr}}`;
const idOf = (json: TfJson, type: string, match: (r: any) => boolean) => {
  const found = entries(json, type).filter(([, r]) => match(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0][0];
};
const service = (json: TfJson) => Object.values(json.resource.aws_ecs_service)[0] as any;

describe('blue/green in production', () => {
  const p = projectStack('production');
  const svc = service(p);

  it('deploys BLUE_GREEN with the bake time from config', () => {
    expect(production.service.deployment.strategy).toBe('BLUE_GREEN');
    expect(svc.deployment_configuration).toEqual({
      strategy: 'BLUE_GREEN',
      bake_time_in_minutes: String(production.service.deployment.bakeTimeMinutes),
    });
    expect(svc.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  it('routes green through the alternate target group, a weighted production rule and a test listener', () => {
    const primary = idOf(p, 'aws_lb_target_group', (t) => t.name === 'credex-production-api');
    const alternate = idOf(p, 'aws_lb_target_group', (t) => t.name === 'credex-production-api-alt');
    const https = idOf(p, 'aws_lb_listener', (l) => l.port === 443);
    const test = idOf(p, 'aws_lb_listener', (l) => l.port === production.service.deployment.testListenerPort);
    const prodRule = idOf(p, 'aws_lb_listener_rule', (r) => r.listener_arn === ref('aws_lb_listener', https));
    const testRule = idOf(p, 'aws_lb_listener_rule', (r) => r.listener_arn === ref('aws_lb_listener', test));
    const lb = svc.load_balancer[0];
    expect(lb.target_group_arn).toBe(ref('aws_lb_target_group', primary));
    expect(lb.advanced_configuration).toEqual({
      alternate_target_group_arn: ref('aws_lb_target_group', alternate),
      production_listener_rule: ref('aws_lb_listener_rule', prodRule),
      test_listener_rule: ref('aws_lb_listener_rule', testRule),
      role_arn: expect.stringMatching(/^\$\{aws_iam_role\.api_blue-green-role_[A-Z0-9]+\.arn\}$/),
    });
    const weights = (id: string) =>
      (p.resource.aws_lb_listener_rule[id] as any).action[0].forward.target_group.map((t: any) => [t.arn, t.weight]);
    expect(weights(prodRule)).toEqual([
      [ref('aws_lb_target_group', primary), 100],
      [ref('aws_lb_target_group', alternate), 0],
    ]);
    expect(weights(testRule)).toEqual([
      [ref('aws_lb_target_group', primary), 0],
      [ref('aws_lb_target_group', alternate), 100],
    ]);
    // ECS moves the weights at every deployment: Terraform must not move them back.
    for (const id of [prodRule, testRule]) {
      expect((p.resource.aws_lb_listener_rule[id] as any).lifecycle).toEqual({ ignore_changes: ['action'] });
    }
    // The test port is not open to the internet.
    const ingressPorts = Object.values(p.resource.aws_vpc_security_group_ingress_rule).map((r: any) => r.from_port);
    expect(ingressPorts).not.toContain(production.service.deployment.testListenerPort);
  });

  it("the infrastructure role can move only this service's listeners, rules and target groups", () => {
    const roleId = /aws_iam_role\.([^.]+)\.arn/.exec(svc.load_balancer[0].advanced_configuration.role_arn)![1];
    const role = p.resource.aws_iam_role[roleId] as any;
    expect(role.name).toBe('credex-core-blue-green-production');
    const trustId = /aws_iam_policy_document\.([^.]+)\.json/.exec(role.assume_role_policy)![1];
    expect(JSON.stringify(p.data!.aws_iam_policy_document[trustId])).toContain('"ecs.amazonaws.com"');
    expect(role.permissions_boundary).toContain('credex-permissions-boundary');
    const docs = Object.values(p.data!.aws_iam_policy_document) as any[];
    const statements = docs.flatMap((d) => d.statement).filter((s: any) => /ShiftTraffic|RegisterTasks/.test(s.sid));
    expect(statements).toHaveLength(2);
    for (const s of statements)
      for (const r of s.resources) expect(r).toMatch(/^\$\{aws_lb_(listener|listener_rule|target_group)\./);
  });
});

describe.each([
  ['production', projectStack('production')],
  ['staging', projectStack('staging')],
])('%s rolls back on its alarms', (env, json) => {
  it('attaches the 5xx, unhealthy-target and running-below-desired alarms with rollback on', () => {
    const alarms = service(json).alarms;
    expect(alarms).toMatchObject({ enable: true, rollback: true });
    const names = alarms.alarm_names.map((n: string) => {
      const id = /aws_cloudwatch_metric_alarm\.([^.]+)\.alarm_name/.exec(n)![1];
      return (json.resource.aws_cloudwatch_metric_alarm[id] as any).alarm_name;
    });
    expect(names.sort()).toEqual(
      [`credex-${env}-alb-5xx`, `credex-${env}-api-running-below-desired`, `credex-${env}-unhealthy-targets`].sort(),
    );
  });

  it('no rollback alarm treats missing data as breaching (issue 17, item h)', () => {
    // Container Insights publishes RunningTaskCount only once the service runs: during the very first deployment
    // (and after a pause in metrics) "breaching" would put the alarm in ALARM and roll the deployment back.
    for (const n of service(json).alarms.alarm_names as string[]) {
      const id = /aws_cloudwatch_metric_alarm\.([^.]+)\.alarm_name/.exec(n)![1];
      const alarm = json.resource.aws_cloudwatch_metric_alarm[id] as any;
      const treat = alarm.treat_missing_data ?? 'missing'; // CloudWatch's default
      expect({ [alarm.alarm_name]: treat }).not.toEqual({ [alarm.alarm_name]: 'breaching' });
    }
  });

  it('the alarms name the service rather than refer to it (no dependency cycle)', () => {
    for (const alarm of Object.values(json.resource.aws_cloudwatch_metric_alarm) as any[]) {
      expect(JSON.stringify(alarm)).not.toMatch(/aws_ecs_service\.|aws_ecs_cluster\./);
    }
  });
});

describe('staging stays rolling (config decides)', () => {
  const s = projectStack('staging');
  it('has ROLLING, one target group and no listener rules', () => {
    expect(staging.service.deployment.strategy).toBe('ROLLING');
    expect(service(s).deployment_configuration).toEqual({ strategy: 'ROLLING' });
    expect(service(s).load_balancer[0].advanced_configuration).toBeUndefined();
    expect(entries(s, 'aws_lb_target_group')).toHaveLength(1);
    expect(s.resource.aws_lb_listener_rule).toBeUndefined();
  });
});

describe('props that cannot work are refused at synth', () => {
  const scope = () => {
    const stack = new TerraformStack(Testing.app(), 's');
    new AwsProvider(stack, 'aws', { region: 'af-south-1' });
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
    const subnets = [0, 1].map((i) => new Subnet(stack, `s${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24` }));
    return { stack, vpc, subnets };
  };
  const lbProps = (vpc: Vpc, subnets: Subnet[]) => ({
    namePrefix: 'credex-t',
    vpc,
    publicSubnets: subnets,
    targetPort: 5000,
    healthCheckPath: '/health',
    httpOnlyReason: 'test',
  });

  it('a test listener on 80 or 443 is refused', () => {
    const { stack, vpc, subnets } = scope();
    expect(
      () => new LoadBalancer(stack, 'lb', { ...lbProps(vpc, subnets), blueGreen: { testListenerPort: 443 } }),
    ).toThrow('LoadBalancer lb: blueGreen.testListenerPort must be a port other than 80 and 443, got 443');
  });

  it('BLUE_GREEN without the routing, or with a bake time out of range, is refused', () => {
    const { stack, vpc, subnets } = scope();
    const lb = new LoadBalancer(stack, 'lb', lbProps(vpc, subnets));
    const props = {
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
      containerPort: 5000,
      nodeEnv: 'test',
      secrets: appSecretVariables().map((v) => ({
        name: v.name,
        secretArn: `arn:aws:secretsmanager:af-south-1:1:secret:${v.secret}`,
        jsonKey: v.jsonKey,
      })),
      permissionsBoundaryArn: 'arn:aws:iam::1:policy/b',
    };
    expect(
      () => new ApiService(stack, 'api', { ...props, deployment: { strategy: 'BLUE_GREEN', bakeTimeMinutes: 5 } }),
    ).toThrow("ApiService api: deployment.strategy BLUE_GREEN needs blueGreen (the load balancer's routing)");
    expect(
      () => new ApiService(stack, 'api2', { ...props, deployment: { strategy: 'ROLLING', bakeTimeMinutes: -1 } }),
    ).toThrow('ApiService api2: deployment.bakeTimeMinutes must be 0..1440, got -1');
  });
});
