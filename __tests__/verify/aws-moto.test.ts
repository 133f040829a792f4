/**
 * ecs-stable, target-health and the Neo4j secret read against a real moto server (AWS API emulator) on 127.0.0.1.
 * The setup creates the cluster, service, target group and secret with AWS SDK v3, as a deploy would.
 * moto limits (GUIDE §9): one deployment per service, running count from MOTO_ECS_SERVICE_RUNNING, registered
 * targets healthy; the rollback cases are covered on recorded responses in ecs-decision.test.ts.
 */
import { CreateVpcCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { environmentConfig } from '../../config';
import { runVerify } from '../../verify/runner';
import type { StepName, StepResult } from '../../verify/types';
import { MOTO_CLIENT_CONFIG, startMoto, type MotoServer } from '../support/moto';
import { deploy, type Deployed } from '../support/aws-deploy';
import { sharedMoto } from '../support/shared-servers';

const staging = environmentConfig('staging');

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
  const report = await runVerify({
    stack: 'staging',
    env: staging,
    outputsFile: file,
    only,
    endpointUrl: endpoint,
    timeoutSeconds,
    reportDir,
  });
  const step = (name: StepName): StepResult => report.steps.find((s) => s.step === name)!;
  return { report, step };
}

describe('against moto: service running (MOTO_ECS_SERVICE_RUNNING=1)', () => {
  let moto: MotoServer;
  let deployed: Deployed;
  beforeAll(async () => {
    moto = await sharedMoto();
    deployed = await deploy(moto.endpoint, SECRET);
  });
  afterAll(async () => moto?.stop());

  test('outputs, ecs-stable and target-health pass', async () => {
    const { report, step } = await verify(moto.endpoint, deployed.outputs, ['outputs', 'ecs-stable', 'target-health']);
    expect(report.steps.filter((s) => s.status === 'failed')).toEqual([]);
    expect(report.passed).toBe(true);
    expect(step('ecs-stable').message).toBe(
      'ECS service credex-api: 1/1 tasks of credex-api-staging:1, rollout COMPLETED',
    );
    expect(step('ecs-stable').figures).toMatchObject({
      running: 1,
      desired: 1,
      deployments: 1,
      rolloutState: 'COMPLETED',
    });
    expect(step('target-health')).toMatchObject({
      status: 'passed',
      message: '2/2 targets healthy',
      figures: { targets: 2, healthy: 2 },
    });
    expect(step('neo4j').status).toBe('skipped');
  });

  test('the expected image is checked through the task definition when the ARN output is absent', async () => {
    const { task_definition_arn: _unused, ...withoutArn } = deployed.outputs;
    const ok = await verify(moto.endpoint, withoutArn, ['ecs-stable']);
    expect(ok.step('ecs-stable').status).toBe('passed');
    const stale = await verify(moto.endpoint, { ...withoutArn, image: 'registry/credex-api:def456' }, ['ecs-stable']);
    expect(stale.step('ecs-stable').message).toMatch(
      /^wrong answer: ECS service credex-api in cluster credex-staging: rolled back or stale: PRIMARY credex-api-staging:1 runs .*credex-api:abc123, not registry\/credex-api:def456/,
    );
  });

  test('a newer task definition that never became PRIMARY fails at once as "the old deployment won"', async () => {
    const started = Date.now();
    const { step } = await verify(
      moto.endpoint,
      { ...deployed.outputs, task_definition_arn: deployed.nextTaskDefinitionArn },
      ['ecs-stable'],
      30,
    );
    expect(step('ecs-stable')).toMatchObject({ status: 'failed', failureKind: 'wrong-answer' });
    expect(step('ecs-stable').message).toContain(
      'rolled back: the old deployment won — PRIMARY runs credex-api-staging:1, not credex-api-staging:2',
    );
    expect(Date.now() - started).toBeLessThan(10_000); // terminal: no waiting out the 30 s
  });

  test('a service that does not exist is a missing failure', async () => {
    const { step } = await verify(moto.endpoint, { ...deployed.outputs, service_name: 'no-such-service' }, [
      'ecs-stable',
    ]);
    expect(step('ecs-stable')).toMatchObject({ status: 'failed', failureKind: 'missing' });
    expect(step('ecs-stable').message).toContain(
      'ECS service no-such-service in cluster credex-staging: service not found',
    );
  });

  test('missing secret: a named missing failure', async () => {
    const { step } = await verify(moto.endpoint, { ...deployed.outputs, neo4j_secret_arn: 'neo4j_no_such_secret' }, [
      'neo4j',
    ]);
    expect(step('neo4j')).toMatchObject({
      status: 'failed',
      failureKind: 'missing',
      message: 'missing: secret neo4j_no_such_secret not found',
    });
  });

  test('a secret missing a key: named, and no secret value printed', async () => {
    const sm = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const { searchspacepass: _dropped, ...partial } = SECRET;
    const created = await sm.send(
      new CreateSecretCommand({ Name: 'neo4j_partial', SecretString: JSON.stringify(partial) }),
    );
    sm.destroy();
    const { report, step } = await verify(moto.endpoint, { ...deployed.outputs, neo4j_secret_arn: created.ARN! }, [
      'neo4j',
    ]);
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

  test("ecs-stable times out within its timeout with a clear message and the stopped tasks' reasons", async () => {
    // A stopped task with a stoppedReason, as a crashing container leaves. moto runs tasks only on EC2 container
    // instances (its Fargate RunTask fails) and ignores ListTasks' serviceName filter, so an EC2 task of the family
    // in the service's cluster stands in for the service's own task.
    const ecs = new ECSClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const ec2 = new EC2Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const images = await ec2.send(new DescribeImagesCommand({}));
    const instance = await ec2.send(
      new RunInstancesCommand({ ImageId: images.Images![0].ImageId!, MinCount: 1, MaxCount: 1 }),
    );
    const instanceIdentityDocument = JSON.stringify({
      instanceId: instance.Instances![0].InstanceId,
      region: MOTO_CLIENT_CONFIG.region,
    });
    await ecs.send(new RegisterContainerInstanceCommand({ cluster: 'credex-staging', instanceIdentityDocument }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'credex-api-staging',
        containerDefinitions: [{ name: 'api', image: deployed.outputs.image, essential: true, memory: 256 }],
      }),
    );
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'credex-staging',
        taskDefinition: td.taskDefinition!.taskDefinitionArn!,
        count: 1,
      }),
    );
    await ecs.send(
      new StopTaskCommand({
        cluster: 'credex-staging',
        task: run.tasks![0].taskArn!,
        reason: 'Essential container in task exited',
      }),
    );
    ec2.destroy();
    ecs.destroy();
    const started = Date.now();
    const { report, step } = await verify(moto.endpoint, deployed.outputs, ['ecs-stable'], 3);
    const elapsed = Date.now() - started;
    expect(report.passed).toBe(false);
    expect(step('ecs-stable')).toMatchObject({ status: 'failed', failureKind: 'timeout' });
    expect(step('ecs-stable').message).toMatch(
      /^timeout: ECS service credex-api in cluster credex-staging not stable — rollout IN_PROGRESS \(ECS deployment ecs-svc\/\d+ in progress\.\), running 0\/1 \(gave up after 3 s\)/,
    );
    expect(step('ecs-stable').message).toMatch(
      /; stopped tasks: credex-api-staging:3: Essential container in task exited$/,
    );
    expect(step('ecs-stable').figures).toMatchObject({ running: 0, desired: 1, stoppedTasks: 1 });
    expect(elapsed).toBeLessThan(3000 + 3000);
  });

  test('a target group with no registered targets times out naming it', async () => {
    const elb = new ElasticLoadBalancingV2Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const ec2 = new EC2Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
    const tg = await elb.send(
      new CreateTargetGroupCommand({
        Name: 'empty',
        Protocol: 'HTTP',
        Port: 80,
        VpcId: vpc.Vpc!.VpcId!,
        TargetType: 'ip',
      }),
    );
    elb.destroy();
    ec2.destroy();
    const arn = tg.TargetGroups![0].TargetGroupArn!;
    const { step } = await verify(moto.endpoint, { ...deployed.outputs, target_group_arn: arn }, ['target-health'], 2);
    expect(step('target-health')).toMatchObject({ status: 'failed', failureKind: 'timeout' });
    expect(step('target-health').message).toBe(
      `timeout: targets of ${arn} not all healthy — no targets registered (gave up after 2 s)`,
    );
  });
});
