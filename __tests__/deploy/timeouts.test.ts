/**
 * Credentials outlast the job: the deploy job's timeout-minutes, its role-duration-seconds and the roles'
 * max_session_duration all come from config/deploy-budget.ts, and each budget there covers the bounds the code
 * really has (the AMI bake's waits, verify's step timeouts and load profiles, the blue/green bake).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { environments } from '../../config';
import {
  AMI_BAKE_WORST_CASE_SECONDS,
  APPLY_OTHER_RESOURCES_SECONDS,
  BLUE_GREEN_ROLLOUT_ALLOWANCE_SECONDS,
  DEPLOY_JOB_TIMEOUT_MINUTES,
  DEPLOY_ROLE_MAX_SESSION_SECONDS,
  DEPLOY_ROLE_SESSION_SECONDS,
  DEPLOY_STEP_MINUTES,
} from '../../config/deploy-budget';
import { repoRoot } from '../../lib/paths';
import { DEFAULTS as BAKE_DEFAULTS } from '../../tools/ami/bake';
import { DEFAULT_TIMEOUTS } from '../../verify/runner';
import { projectStack } from '../support/synth';

const deployYml = readFileSync(path.join(repoRoot(), '.github', 'workflows', 'deploy.yml'), 'utf8');

interface Step {
  readonly name: string;
  readonly timeoutMinutes?: number;
  readonly text: string;
}

/** The deploy job's steps (the workflow has one job), each with its name (or uses/run) and timeout-minutes. */
function steps(yml: string): Step[] {
  const body = yml.slice(yml.indexOf('\n    steps:\n'));
  return body
    .split(/\n {6}- /)
    .slice(1)
    .map((text) => {
      const name = /^(?:name|uses|run): (.+)$/m.exec(text)?.[1] ?? text.split('\n')[0];
      const t = /^\s+timeout-minutes: (\d+)$/m.exec(text);
      return { name, text, timeoutMinutes: t ? Number(t[1]) : undefined };
    });
}

const jobTimeout = (yml: string) => Number(/^ {4}timeout-minutes: (\d+)$/m.exec(yml)?.[1]);
const stepNamed = (all: Step[], fragment: string) => {
  const found = all.filter((s) => s.text.includes(fragment));
  if (found.length !== 1) throw new Error(`expected one step with "${fragment}", found ${found.length}`);
  return found[0];
};

describe('deploy time budget (config/deploy-budget.ts)', () => {
  const all = steps(deployYml);

  it('the job timeout, the session and the roles agree, and the session outlasts the job', () => {
    expect(jobTimeout(deployYml)).toBe(DEPLOY_JOB_TIMEOUT_MINUTES);
    const durations = [...deployYml.matchAll(/role-duration-seconds: (\d+)/g)].map((m) => Number(m[1]));
    expect(durations).toEqual([DEPLOY_ROLE_SESSION_SECONDS]);
    expect(DEPLOY_ROLE_SESSION_SECONDS).toBeGreaterThanOrEqual(DEPLOY_JOB_TIMEOUT_MINUTES * 60);
    const roles = Object.values(projectStack('global').resource.aws_iam_role).filter((r) =>
      String(r.name).startsWith('credex-github-deploy-'),
    );
    expect(roles).toHaveLength(2);
    for (const role of roles) expect(role.max_session_duration).toBe(DEPLOY_ROLE_MAX_SESSION_SECONDS);
    expect(DEPLOY_ROLE_MAX_SESSION_SECONDS).toBeGreaterThanOrEqual(DEPLOY_ROLE_SESSION_SECONDS);
    expect(DEPLOY_ROLE_MAX_SESSION_SECONDS).toBeLessThanOrEqual(43_200); // IAM's ceiling
    expect(DEPLOY_JOB_TIMEOUT_MINUTES).toBeLessThanOrEqual(360); // GitHub-hosted runners' ceiling
  });

  it('every step has a timeout and together they fit in the job', () => {
    for (const s of all)
      expect({ step: s.name, timeout: s.timeoutMinutes }).toEqual({
        step: s.name,
        timeout: expect.any(Number),
      });
    // The two credential steps exclude each other; count the larger once.
    const credentials = all.filter((s) => s.text.includes('configure-aws-credentials'));
    const sum =
      all.reduce((n, s) => n + (s.timeoutMinutes ?? 0), 0) - Math.min(...credentials.map((s) => s.timeoutMinutes ?? 0));
    expect(sum).toBeLessThanOrEqual(DEPLOY_JOB_TIMEOUT_MINUTES);
  });

  it('the apply step covers the AMI bake (tools/ami/bake.ts) and the rest of the apply', () => {
    expect(AMI_BAKE_WORST_CASE_SECONDS).toBe(
      BAKE_DEFAULTS.timeoutSeconds +
        BAKE_DEFAULTS.stopTimeoutSeconds +
        BAKE_DEFAULTS.imageTimeoutSeconds +
        BAKE_DEFAULTS.profileWaitSeconds,
    );
    const apply = stepNamed(all, 'apply-saved-plan.sh');
    expect(apply.timeoutMinutes).toBe(DEPLOY_STEP_MINUTES.apply);
    expect(apply.timeoutMinutes! * 60).toBeGreaterThanOrEqual(
      AMI_BAKE_WORST_CASE_SECONDS + APPLY_OTHER_RESOURCES_SECONDS,
    );
  });

  it("the verify step covers every verify step's timeout, the longest load profile and the blue/green bake", () => {
    const verify = stepNamed(all, 'npm run -s verify');
    const longestLoad = Math.max(...environments.map((e) => e.verify.load.durationSeconds));
    const verifySeconds = Object.values(DEFAULT_TIMEOUTS).reduce((a, b) => a + b, 0) + longestLoad;
    expect(verify.timeoutMinutes! * 60).toBeGreaterThanOrEqual(verifySeconds);
    // ecs-stable waits for a blue/green rollout: its bake plus the time to start, test, shift and drain.
    for (const env of environments) {
      const bake = env.service.deployment.strategy === 'BLUE_GREEN' ? env.service.deployment.bakeTimeMinutes * 60 : 0;
      expect([env.name, DEFAULT_TIMEOUTS['ecs-stable'] >= bake + BLUE_GREEN_ROLLOUT_ALLOWANCE_SECONDS]).toEqual([
        env.name,
        true,
      ]);
    }
    const groups = all.filter((s) => /k6|Forward Bolt|npm run -s verify/.test(s.text));
    expect(groups.reduce((n, s) => n + s.timeoutMinutes!, 0)).toBe(DEPLOY_STEP_MINUTES.verify);
  });
});
