/**
 * verify's ecs-stable step understands an ECS native blue/green rollout, decided on DescribeServiceDeployments
 * bodies in AWS's documented shape (fixtures/ecs-bg-*.json) together with DescribeServices bodies: traffic shifted
 * and the bake are "pending" (keep waiting), a rollback during the bake is a failure that says "rolled back", and a
 * promoted deployment passes only when the PRIMARY deployment runs the task definition this deploy registered.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  combineVerdicts,
  judgeBlueGreenDeployment,
  judgeEcsService,
  type BlueGreenDeployment,
} from '../../verify/ecs-stable';

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'verify', 'fixtures', `${name}.json`), 'utf8'));
const deployment = (name: string): BlueGreenDeployment => fixture(name).serviceDeployments[0];
const service = (name: string) => fixture(name).services[0];
const OURS = 'arn:aws:ecs:af-south-1:123456789012:task-definition/credex-api-staging:42';

describe('judgeBlueGreenDeployment', () => {
  test.each([
    ['ecs-bg-shifted', 'pending', /^blue\/green IN_PROGRESS: production traffic shifted to green$/],
    [
      'ecs-bg-bake',
      'pending',
      /^blue\/green IN_PROGRESS: bake in progress: green serves production, blue kept for rollback \(5 min\)$/,
    ],
    [
      'ecs-bg-rolled-back-during-bake',
      'failed',
      /^rolled back during BAKE_TIME: Alarm credex-production-alb-5xx entered the ALARM state during the bake time\.; blue serves production again$/,
    ],
    ['ecs-bg-promoted', 'stable', /^promoted: green serves production traffic, blue removed$/],
  ])('%s -> %s', (name, state, reason) => {
    const verdict = judgeBlueGreenDeployment(deployment(name));
    expect(verdict.state).toBe(state);
    expect(verdict.reason).toMatch(reason);
    expect(verdict.figures.strategy).toBe('BLUE_GREEN');
  });

  it('a rollback still in progress, a failed rollback and a stopped deployment are failures too', () => {
    const bake = deployment('ecs-bg-bake');
    expect(judgeBlueGreenDeployment({ ...bake, status: 'ROLLBACK_IN_PROGRESS' }).reason).toMatch(
      /^rolled back during BAKE_TIME: .*\(traffic returning to blue\)$/,
    );
    expect(judgeBlueGreenDeployment({ ...bake, status: 'ROLLBACK_FAILED' }).state).toBe('failed');
    expect(judgeBlueGreenDeployment({ ...bake, status: 'STOPPED', statusReason: 'stopped by user' }).reason).toBe(
      'deployment stopped during BAKE_TIME: stopped by user',
    );
    expect(judgeBlueGreenDeployment(undefined).state).toBe('pending');
  });
});

describe('combineVerdicts: the service deployment and DescribeServices together', () => {
  const ecs = (name: string) => judgeEcsService(service(name), { taskDefinitionArn: OURS });

  it('promoted AND the PRIMARY runs our task definition: passed', () => {
    const v = combineVerdicts(ecs('ecs-completed'), judgeBlueGreenDeployment(deployment('ecs-bg-promoted')));
    expect(v.state).toBe('stable');
    expect(v.reason).toMatch(/^promoted: .*; 2\/2 tasks of credex-api-staging:42, rollout COMPLETED$/);
    expect(v.figures).toMatchObject({ deploymentStatus: 'SUCCESSFUL', taskDefinition: 'credex-api-staging:42' });
  });

  it('rolled back during the bake: failed, and says so, even while DescribeServices still looks busy', () => {
    for (const settled of ['ecs-in-progress', 'ecs-rolled-back-settled']) {
      const v = combineVerdicts(ecs(settled), judgeBlueGreenDeployment(deployment('ecs-bg-rolled-back-during-bake')));
      expect(v.state).toBe('failed');
      expect(v.reason).toMatch(/^rolled back during BAKE_TIME: Alarm credex-production-alb-5xx/);
    }
  });

  it('bake in progress keeps waiting although every task is running', () => {
    const v = combineVerdicts(ecs('ecs-completed'), judgeBlueGreenDeployment(deployment('ecs-bg-bake')));
    expect(v.state).toBe('pending');
    expect(v.reason).toMatch(/bake in progress/);
  });

  it('promoted but the PRIMARY runs another task definition: failed (the new revision does not serve traffic)', () => {
    const v = combineVerdicts(ecs('ecs-rolled-back-settled'), judgeBlueGreenDeployment(deployment('ecs-bg-promoted')));
    expect(v.state).toBe('failed');
    expect(v.reason).toMatch(/^rolled back: the old deployment won/);
  });

  it('without a service deployment (a rolling service, or an emulator without the API) DescribeServices decides', () => {
    expect(combineVerdicts(ecs('ecs-completed'), undefined)).toEqual(ecs('ecs-completed'));
  });
});
