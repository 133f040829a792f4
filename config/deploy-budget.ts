/**
 * How long one deploy job may take, worked out once from the bounds in the code, and the three settings that must
 * agree with it: the deploy job's `timeout-minutes` (.github/workflows/deploy.yml), the credentials' lifetime
 * (`role-duration-seconds` of configure-aws-credentials in the same file) and the deploy roles'
 * `max_session_duration` (constructs/github-oidc.ts, from DEPLOY_ROLE_MAX_SESSION_SECONDS). A token that expires
 * mid-apply leaves a half-applied stack and a held state lock, so the credentials must outlive the job.
 *
 * `__tests__/deploy/timeouts.test.ts` reads all three (the workflow file, the synthesized `global` stack, this
 * file) and checks each budget below against the code it stands for: the AMI bake's waits (tools/ami/bake.ts
 * DEFAULTS), verify's per-step timeouts (verify/runner.ts DEFAULT_TIMEOUTS) plus the longest load profile in config,
 * and the production blue/green bake time. Pure: no file system, no SDK.
 */

/** The AMI bake's own waits, in seconds (tools/ami/bake.ts DEFAULTS: builder, stop, image, instance profile). */
export const AMI_BAKE_WORST_CASE_SECONDS = 1800 + 600 + 3600 + 120;

/**
 * Everything else `terraform apply` creates or replaces, in seconds: the slowest are the NAT gateways, the
 * instances (the provider's create timeout is 10 minutes each, two in parallel) and the load balancer.
 */
export const APPLY_OTHER_RESOURCES_SECONDS = 30 * 60;

/**
 * Each step group of the deploy job and its `timeout-minutes` in deploy.yml. The job's timeout is their sum, so no
 * step can take the job past it; a step that overruns fails the job at that step.
 */
export const DEPLOY_STEP_MINUTES = {
  /** Checkout, Node and npm ci: before the credentials are taken, so outside the session. */
  setup: 10,
  /** Credentials, image build and push, app secrets, synth, terraform init, the saved plan and the gate. */
  prepare: 20,
  /** `terraform apply` of the saved plan, the AMI bake (a local-exec of the apply) included. */
  apply: Math.ceil((AMI_BAKE_WORST_CASE_SECONDS + APPLY_OTHER_RESOURCES_SECONDS) / 60),
  /** `terraform output -json` into the outputs file verify reads. */
  outputs: 1,
  /** First deploy only: the app secrets written after apply created them, and a new ECS deployment started. */
  firstDeploySecrets: 5,
  /**
   * k6 (2), the two Bolt port forwards (3) and `npm run verify` (30: every verify step's timeout one after the
   * other, 1,570 s, plus the longest load profile, 60 s).
   */
  verify: 35,
  /** Uploading the verify report. */
  report: 5,
} as const;

/** The deploy job's `timeout-minutes`: every step group's budget added up. */
export const DEPLOY_JOB_TIMEOUT_MINUTES = Object.values(DEPLOY_STEP_MINUTES).reduce((a, b) => a + b, 0);

/**
 * `role-duration-seconds` of the deploy job's credentials: the whole job, so the credentials taken after setup
 * outlive every later step even when each one uses its whole budget.
 */
export const DEPLOY_ROLE_SESSION_SECONDS = DEPLOY_JOB_TIMEOUT_MINUTES * 60;

/**
 * The deploy roles' `max_session_duration` (STS refuses a longer `role-duration-seconds`). IAM allows 3600..43200.
 */
export const DEPLOY_ROLE_MAX_SESSION_SECONDS = DEPLOY_ROLE_SESSION_SECONDS;

/**
 * Time a blue/green rollout needs on top of its bake before the service reads as settled, in seconds: green tasks
 * start and pass the health-check grace period and the target group's healthy threshold, the test listener is
 * checked, production traffic shifts, and after the bake the blue tasks drain (deregistration delay).
 */
export const BLUE_GREEN_ROLLOUT_ALLOWANCE_SECONDS = 5 * 60;
