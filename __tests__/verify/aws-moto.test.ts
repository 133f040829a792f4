/**
 * ecs-stable, target-health and the Neo4j secret read against a real moto server (AWS API emulator) on 127.0.0.1.
 * The setup creates the cluster, service, target group and secret with AWS SDK v3, as a deploy would.
 * moto limits (GUIDE §9): one deployment per service, running count from MOTO_ECS_SERVICE_RUNNING, registered
 * targets healthy; the rollback cases are covered on recorded responses in ecs-decision.test.ts.
 */
import { EC2Client, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { staging } from '../../config';
import { runVerify } from '../../verify/runner';
import type { StepName, StepResult } from '../../verify/types';
import { MOTO_CLIENT_CONFIG, startMoto, type MotoServer } from '../support/moto';

interface Deployed {
  readonly outputs: Record<string, string>;
  readonly nextTaskDefinitionArn: string;
}

/** Creates what a staging deploy would: VPC, target group with two targets, cluster, task definition, service, secret. */
async function deploy(endpoint: string, secret: Record<string, string> | undefined): Promise<Deployed> {
  const cfg = { ...MOTO_CLIENT_CONFIG, endpoint };
  const ec2 = new EC2Client(cfg);
  const elb = new ElasticLoadBalancingV2Client(cfg);
  const ecs = new ECSClient(cfg);
  const sm = new SecretsManagerClient(cfg);
  try {
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.10.0.0/16' }));
    const tg = await elb.send(
      new CreateTargetGroupCommand({ Name: 'credex-api-staging', Protocol: 'HTTP', Port: 5000, VpcId: vpc.Vpc!.VpcId!, TargetType: 'ip', HealthCheckPath: '/health' }),
    );
    const targetGroupArn = tg.TargetGroups![0].TargetGroupArn!;
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: '10.10.10.21', Port: 5000 }, { Id: '10.10.11.22', Port: 5000 }] }));
    await ecs.send(new CreateClusterCommand({ clusterName: 'credex-staging' }));
    const image = '123456789012.dkr.ecr.af-south-1.amazonaws.com/credex-api:abc123';
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'credex-api-staging',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
        containerDefinitions: [{ name: 'api', image, essential: true, portMappings: [{ containerPort: 5000 }] }],
      }),
    );
    const taskDefinitionArn = td.taskDefinition!.taskDefinitionArn!;
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'credex-staging',
        serviceName: 'credex-api',
        taskDefinition: taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        loadBalancers: [{ targetGroupArn, containerName: 'api', containerPort: 5000 }],
      }),
    );
    // A later revision nobody rolled out: what a deploy whose service update was rolled back leaves behind.
    const next = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'credex-api-staging',
        containerDefinitions: [{ name: 'api', image: image.replace('abc123', 'def456'), essential: true, memory: 1024 }],
      }),
    );
    let neo4jSecretArn = 'arn:aws:secretsmanager:af-south-1:123456789012:secret:neo4j_stage_secrets-AbCdEf';
    if (secret) {
      const created = await sm.send(new CreateSecretCommand({ Name: 'neo4j_stage_secrets', SecretString: JSON.stringify(secret) }));
      neo4jSecretArn = created.ARN!;
    }
    return {
      outputs: {
        region: MOTO_CLIENT_CONFIG.region,
        cluster_name: 'credex-staging',
        service_name: 'credex-api',
        task_definition_arn: taskDefinitionArn,
        image,
        target_group_arn: targetGroupArn,
        neo4j_secret_arn: neo4jSecretArn,
        health_path: '/health',
      },
      nextTaskDefinitionArn: next.taskDefinition!.taskDefinitionArn!,
    };
  } finally {
    [ec2, elb, ecs, sm].forEach((c) => c.destroy());
  }
}

const SECRET = {
  ledgerspacebolturl: 'bolt://127.0.0.1:1',
  ledgerspaceuser: 'neo4j',
  ledgerspacepass: 'never-printed-1',
  searchspacebolturl: 'bolt://127.0.0.1:1',
  searchspaceuser: 'neo4j',
  searchspacepass: 'never-printed-2',
};

const reportDir = mkdtempSync(path.join(tmpdir(), 'verify-moto-'));

/** Writes the outputs as `cdktf deploy --outputs-file` would and runs verify on the given steps. */
async function verify(endpoint: string, outputs: Record<string, string>, only: StepName[], timeoutSeconds = 5) {
  const file = path.join(reportDir, `outputs-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ staging: outputs }));
  const report = await runVerify({ stack: 'staging', env: staging, outputsFile: file, only, endpointUrl: endpoint, timeoutSeconds, reportDir });
  const step = (name: StepName): StepResult => report.steps.find((s) => s.step === name)!;
  return { report, step };
}

describe('against moto: service running (MOTO_ECS_SERVICE_RUNNING=1)', () => {
  let moto: MotoServer;
  let deployed: Deployed;
  beforeAll(async () => {
    moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '1' });
    deployed = await deploy(moto.endpoint, SECRET);
  });
  afterAll(async () => moto?.stop());

  test('outputs, ecs-stable and target-health pass', async () => {
    const { report, step } = await verify(moto.endpoint, deployed.outputs, ['outputs', 'ecs-stable', 'target-health']);
    expect(report.steps.filter((s) => s.status === 'failed')).toEqual([]);
    expect(report.passed).toBe(true);
    expect(step('ecs-stable').message).toBe('ECS service credex-api: 1/1 tasks of credex-api-staging:1, rollout COMPLETED');
    expect(step('ecs-stable').figures).toMatchObject({ running: 1, desired: 1, deployments: 1, rolloutState: 'COMPLETED' });
    expect(step('target-health')).toMatchObject({ status: 'passed', message: '2/2 targets healthy', figures: { targets: 2, healthy: 2 } });
    expect(step('neo4j').status).toBe('skipped');
  });

  test('the expected image is checked through the task definition when the ARN output is absent', async () => {
    const { task_definition_arn: _unused, ...withoutArn } = deployed.outputs;
    const ok = await verify(moto.endpoint, withoutArn, ['ecs-stable']);
    expect(ok.step('ecs-stable').status).toBe('passed');
    const stale = await verify(moto.endpoint, { ...withoutArn, image: 'registry/credex-api:def456' }, ['ecs-stable']);
    expect(stale.step('ecs-stable').message).toMatch(/^wrong answer: ECS service credex-api in cluster credex-staging: rolled back or stale: PRIMARY credex-api-staging:1 runs .*credex-api:abc123, not registry\/credex-api:def456/);
  });

  test('a newer task definition that never became PRIMARY fails at once as "the old deployment won"', async () => {
    const started = Date.now();
    const { step } = await verify(moto.endpoint, { ...deployed.outputs, task_definition_arn: deployed.nextTaskDefinitionArn }, ['ecs-stable'], 30);
    expect(step('ecs-stable')).toMatchObject({ status: 'failed', failureKind: 'wrong-answer' });
    expect(step('ecs-stable').message).toContain('rolled back: the old deployment won — PRIMARY runs credex-api-staging:1, not credex-api-staging:2');
    expect(Date.now() - started).toBeLessThan(10_000); // terminal: no waiting out the 30 s
  });

  test('a service that does not exist is a missing failure', async () => {
    const { step } = await verify(moto.endpoint, { ...deployed.outputs, service_name: 'no-such-service' }, ['ecs-stable']);
    expect(step('ecs-stable')).toMatchObject({ status: 'failed', failureKind: 'missing' });
    expect(step('ecs-stable').message).toContain('ECS service no-such-service in cluster credex-staging: service not found');
  });

  test('missing secret: a named missing failure', async () => {
    const { step } = await verify(moto.endpoint, { ...deployed.outputs, neo4j_secret_arn: 'neo4j_no_such_secret' }, ['neo4j']);
    expect(step('neo4j')).toMatchObject({ status: 'failed', failureKind: 'missing', message: 'missing: secret neo4j_no_such_secret not found' });
  });

  test('a secret missing a key: named, and no secret value printed', async () => {
    const sm = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const { searchspacepass: _dropped, ...partial } = SECRET;
    const created = await sm.send(new CreateSecretCommand({ Name: 'neo4j_partial', SecretString: JSON.stringify(partial) }));
    sm.destroy();
    const { report, step } = await verify(moto.endpoint, { ...deployed.outputs, neo4j_secret_arn: created.ARN! }, ['neo4j']);
    expect(step('neo4j')).toMatchObject({ status: 'failed', failureKind: 'missing' });
    expect(step('neo4j').message).toBe(`missing: secret ${created.ARN} lacks key(s) searchspacepass`);
    expect(JSON.stringify(report)).not.toMatch(/never-printed/);
  });

  test('an outputs file missing what a step needs fails the outputs step, naming the outputs', async () => {
    const { cluster_name: _c, target_group_arn: _t, ...partial } = deployed.outputs;
    const { step } = await verify(moto.endpoint, partial, ['outputs', 'ecs-stable', 'target-health']);
    expect(step('outputs').message).toMatch(/^missing: output\(s\) cluster_name, target_group_arn absent from /);
    expect(step('ecs-stable').message).toMatch(/^missing: ecs-stable needs output\(s\) cluster_name absent/);
  });
});

describe('against moto: service never stable (MOTO_ECS_SERVICE_RUNNING=0)', () => {
  let moto: MotoServer;
  let deployed: Deployed;
  beforeAll(async () => {
    moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '0' });
    deployed = await deploy(moto.endpoint, SECRET);
  });
  afterAll(async () => moto?.stop());

  test('ecs-stable times out within its timeout with a clear message', async () => {
    const started = Date.now();
    const { report, step } = await verify(moto.endpoint, deployed.outputs, ['ecs-stable'], 3);
    const elapsed = Date.now() - started;
    expect(report.passed).toBe(false);
    expect(step('ecs-stable')).toMatchObject({ status: 'failed', failureKind: 'timeout' });
    expect(step('ecs-stable').message).toMatch(
      /^timeout: ECS service credex-api in cluster credex-staging not stable — rollout IN_PROGRESS \(ECS deployment ecs-svc\/\d+ in progress\.\), running 0\/1 \(gave up after 3 s\)/,
    );
    expect(step('ecs-stable').figures).toMatchObject({ running: 0, desired: 1 });
    expect(elapsed).toBeLessThan(3000 + 3000);
  });

  test('a target group with no registered targets times out naming it', async () => {
    const elb = new ElasticLoadBalancingV2Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const ec2 = new EC2Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
    const tg = await elb.send(new CreateTargetGroupCommand({ Name: 'empty', Protocol: 'HTTP', Port: 80, VpcId: vpc.Vpc!.VpcId!, TargetType: 'ip' }));
    elb.destroy();
    ec2.destroy();
    const arn = tg.TargetGroups![0].TargetGroupArn!;
    const { step } = await verify(moto.endpoint, { ...deployed.outputs, target_group_arn: arn }, ['target-health'], 2);
    expect(step('target-health')).toMatchObject({ status: 'failed', failureKind: 'timeout' });
    expect(step('target-health').message).toBe(`timeout: targets of ${arn} not all healthy — no targets registered (gave up after 2 s)`);
  });
});
