/**
 * The ECS decision logic on recorded-shape DescribeServices bodies (see fixtures/README.md): moto keeps a single
 * deployment, so "rolled back, the old deployment won" can only be fed to the decision functions this way.
 */
import { ECSClient, waitUntilServicesStable, type DescribeServicesCommandOutput, type Task } from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { judgeEcsService, summarizeStoppedTasks, taskDefinitionName } from '../../verify/ecs-stable';

const fixture = <T = DescribeServicesCommandOutput>(name: string): T =>
  JSON.parse(readFileSync(path.join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as T;
const service = (name: string) => fixture(name).services?.[0];

const OURS = 'arn:aws:ecs:af-south-1:123456789012:task-definition/credex-api-staging:42';

describe('judgeEcsService on recorded responses', () => {
  test.each([
    ['ecs-completed', 'stable', /2\/2 tasks of credex-api-staging:42, rollout COMPLETED/],
    ['ecs-in-progress', 'pending', /2 deployments still active \(credex-api-staging:41 ACTIVE draining\)/],
    [
      'ecs-rolled-back-settled',
      'failed',
      /^rolled back: the old deployment won — PRIMARY runs credex-api-staging:41, not credex-api-staging:42 .*our deployment is gone/,
    ],
    [
      'ecs-rolling-back',
      'failed',
      /^rolled back: the old deployment won — .*our deployment ecs-svc\/2222222222222222222 is ACTIVE\/FAILED \(ECS deployment circuit breaker: tasks failed to start\.\)/,
    ],
    [
      'ecs-failed-no-rollback',
      'failed',
      /^deployment ecs-svc\/2222222222222222222 FAILED: ECS deployment circuit breaker/,
    ],
  ])('%s -> %s', (name, state, reason) => {
    const verdict = judgeEcsService(service(name), { taskDefinitionArn: OURS });
    expect(verdict.state).toBe(state);
    expect(verdict.reason).toMatch(reason);
  });

  test('the SDK services-stable waiter calls the rolled-back service a SUCCESS; verify does not', async () => {
    const recorded = fixture('ecs-rolled-back-settled');
    const client = { send: async () => recorded } as unknown as ECSClient;
    const waiter = await waitUntilServicesStable(
      { client, maxWaitTime: 5, minDelay: 1, maxDelay: 1 },
      { cluster: 'credex-staging', services: ['credex-api'] },
    );
    expect(waiter.state).toBe('SUCCESS');
    expect(judgeEcsService(recorded.services?.[0], { taskDefinitionArn: OURS }).state).toBe('failed');
  });

  test('without the task definition output, the expected image decides', () => {
    const svc = service('ecs-rolled-back-settled');
    const image = '123456789012.dkr.ecr.af-south-1.amazonaws.com/credex-api:abc123';
    const stale = judgeEcsService(svc, {
      image,
      primaryImages: ['123456789012.dkr.ecr.af-south-1.amazonaws.com/credex-api:old999'],
    });
    expect(stale.state).toBe('failed');
    expect(stale.reason).toContain(`not ${image}`);
    expect(judgeEcsService(svc, { image, primaryImages: [image] }).state).toBe('stable');
  });

  test('running below desired is pending, a missing or draining service fails', () => {
    const svc = service('ecs-completed')!;
    expect(judgeEcsService({ ...svc, runningCount: 1 }, { taskDefinitionArn: OURS })).toMatchObject({
      state: 'pending',
      reason: 'running 1 of 2 desired tasks',
    });
    expect(judgeEcsService(undefined, {}).state).toBe('failed');
    expect(judgeEcsService({ ...svc, status: 'DRAINING' }, {}).reason).toBe('service status is DRAINING, not ACTIVE');
  });

  test('stopped tasks are summarised by task definition and stoppedReason', () => {
    const tasks = fixture<{ tasks: Task[] }>('ecs-stopped-tasks').tasks;
    expect(summarizeStoppedTasks(tasks)).toEqual([
      'credex-api-staging:42: Essential container in task exited (x2)',
      expect.stringMatching(/^credex-api-staging:42: CannotPullContainerError: /),
    ]);
    expect(taskDefinitionName(OURS)).toBe('credex-api-staging:42');
  });
});
