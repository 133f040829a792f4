/**
 * Step 2, ecs-stable: the service settled AND the deployment this deploy made is the one that won.
 *
 * The SDK's services-stable waiter accepts "one deployment and running == desired", which is also what a service
 * looks like after the deployment circuit breaker rolled a failed deployment back. This step decides with the pure
 * function `judgeEcsService` below: one PRIMARY deployment, rolloutState COMPLETED, running == desired, and the
 * primary runs the task definition the deploy registered (or, without that output, the expected image).
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  type Deployment,
  type Service,
} from '@aws-sdk/client-ecs';
import { Deadline } from '../lib/deadline';
import { awsClient, awsErrorKind, awsErrorName, resolveRegion } from './aws';
import { StepFailure } from './errors';
import { requireOutputs } from './outputs';
import type { Figures, StepContext } from './types';
import { waitFor } from './wait';

export interface EcsExpectation {
  /** The task definition ARN this deploy registered (output task_definition_arn). */
  readonly taskDefinitionArn?: string;
  /** The image (with tag) this deploy set (output image); compared when no ARN is known. */
  readonly image?: string;
  /** Container images of the primary deployment's task definition, when the caller looked them up. */
  readonly primaryImages?: readonly string[];
}

export type EcsVerdict =
  | { readonly state: 'stable'; readonly reason: string; readonly figures: Figures }
  | { readonly state: 'pending'; readonly reason: string; readonly figures: Figures }
  | { readonly state: 'failed'; readonly reason: string; readonly figures: Figures };

/** `arn:aws:ecs:r:a:task-definition/credex-api:42` -> `credex-api:42`. */
export function taskDefinitionName(arn: string | undefined): string {
  if (!arn) return '(none)';
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

function sameTaskDefinition(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && (a === b || taskDefinitionName(a) === taskDefinitionName(b));
}

/**
 * Decides from one DescribeServices `service` whether the deployment succeeded (stable), is still going
 * (pending: wait), or can no longer succeed (failed: stop waiting). Pure: tested on recorded API responses.
 */
export function judgeEcsService(service: Service | undefined, expected: EcsExpectation): EcsVerdict {
  if (!service) return { state: 'failed', reason: 'service not found', figures: {} };
  if (service.status && service.status !== 'ACTIVE') {
    return { state: 'failed', reason: `service status is ${service.status}, not ACTIVE`, figures: {} };
  }
  const deployments: Deployment[] = service.deployments ?? [];
  const primaries = deployments.filter((d) => d.status === 'PRIMARY');
  const primary = primaries[0];
  const figures: Figures = {
    deployments: deployments.length,
    running: service.runningCount ?? 0,
    desired: service.desiredCount ?? 0,
    pending: service.pendingCount ?? 0,
  };
  if (!primary) return { state: 'pending', reason: 'no PRIMARY deployment yet', figures };
  figures.taskDefinition = taskDefinitionName(primary.taskDefinition);
  if (primary.rolloutState) figures.rolloutState = primary.rolloutState;
  if (primary.failedTasks) figures.failedTasks = primary.failedTasks;

  // The deployment this deploy made: by task definition when known.
  if (expected.taskDefinitionArn && !sameTaskDefinition(primary.taskDefinition, expected.taskDefinitionArn)) {
    const ours = deployments.find((d) => sameTaskDefinition(d.taskDefinition, expected.taskDefinitionArn));
    const how = ours
      ? `our deployment ${ours.id ?? ''} is ${ours.status}/${ours.rolloutState ?? '?'}${ours.rolloutStateReason ? ` (${ours.rolloutStateReason})` : ''}`
      : 'our deployment is gone';
    return {
      state: 'failed',
      reason: `rolled back: the old deployment won — PRIMARY runs ${taskDefinitionName(primary.taskDefinition)}, not ${taskDefinitionName(expected.taskDefinitionArn)} registered by this deploy; ${how}`,
      figures,
    };
  }
  if (
    !expected.taskDefinitionArn &&
    expected.image &&
    expected.primaryImages &&
    !expected.primaryImages.includes(expected.image)
  ) {
    return {
      state: 'failed',
      reason: `rolled back or stale: PRIMARY ${taskDefinitionName(primary.taskDefinition)} runs ${expected.primaryImages.join(', ') || 'no image'}, not ${expected.image}`,
      figures,
    };
  }
  if (primary.rolloutState === 'FAILED') {
    return {
      state: 'failed',
      reason: `deployment ${primary.id ?? ''} FAILED: ${primary.rolloutStateReason ?? 'no reason given'}`,
      figures,
    };
  }
  if (primaries.length > 1) return { state: 'pending', reason: `${primaries.length} PRIMARY deployments`, figures };
  if (deployments.length > 1) {
    const others = deployments
      .filter((d) => d !== primary)
      .map((d) => `${taskDefinitionName(d.taskDefinition)} ${d.status}`);
    return {
      state: 'pending',
      reason: `${deployments.length} deployments still active (${others.join(', ')} draining)`,
      figures,
    };
  }
  if (primary.rolloutState && primary.rolloutState !== 'COMPLETED') {
    return {
      state: 'pending',
      reason: `rollout ${primary.rolloutState}${primary.rolloutStateReason ? ` (${primary.rolloutStateReason})` : ''}, running ${primary.runningCount ?? 0}/${primary.desiredCount ?? 0}`,
      figures,
    };
  }
  const running = service.runningCount ?? 0;
  const desired = service.desiredCount ?? 0;
  if (running !== desired || (primary.runningCount ?? running) !== (primary.desiredCount ?? desired)) {
    return { state: 'pending', reason: `running ${running} of ${desired} desired tasks`, figures };
  }
  if (desired === 0) return { state: 'failed', reason: 'desired count is 0: nothing runs', figures };
  return {
    state: 'stable',
    reason: `${running}/${desired} tasks of ${taskDefinitionName(primary.taskDefinition)}, rollout COMPLETED`,
    figures,
  };
}

/** What one stage of an ECS native blue/green deployment means for the release (DescribeServiceDeployments). */
const BLUE_GREEN_STAGES: Record<string, string> = {
  RECONCILE_SERVICE: 'reconciling the service',
  PRE_SCALE_UP: 'about to start green',
  SCALE_UP: 'starting green tasks',
  POST_SCALE_UP: 'green tasks started',
  TEST_TRAFFIC_SHIFT: 'shifting test traffic to green',
  POST_TEST_TRAFFIC_SHIFT: 'green takes test traffic',
  PRODUCTION_TRAFFIC_SHIFT: 'shifting production traffic to green',
  POST_PRODUCTION_TRAFFIC_SHIFT: 'production traffic shifted to green',
  BAKE_TIME: 'bake in progress: green serves production, blue kept for rollback',
  CLEAN_UP: 'bake over, removing blue',
};

/** The fields of a DescribeServiceDeployments `serviceDeployments[]` entry this decision reads. */
export interface BlueGreenDeployment {
  readonly serviceDeploymentArn?: string;
  readonly status?: string;
  readonly statusReason?: string;
  readonly lifecycleStage?: string;
  readonly deploymentConfiguration?: { readonly strategy?: string; readonly bakeTimeInMinutes?: number };
  readonly rollback?: { readonly reason?: string; readonly serviceRevisionArn?: string };
  readonly targetServiceRevision?: { readonly arn?: string };
}

/**
 * Decides from the newest service deployment of a BLUE_GREEN service (DescribeServiceDeployments) whether the
 * release was promoted (stable: green serves production and blue is gone), is still going (pending: the stage says
 * where, bake included), or was rolled back or stopped (failed: "rolled back during BAKE_TIME: <reason>"). Pure:
 * tested on responses in the documented shape. The caller still requires judgeEcsService to be stable, which proves
 * the PRIMARY deployment runs the task definition this deploy registered.
 */
export function judgeBlueGreenDeployment(deployment: BlueGreenDeployment | undefined): EcsVerdict {
  if (!deployment) return { state: 'pending', reason: 'no service deployment yet', figures: {} };
  const stage = deployment.lifecycleStage ?? '';
  const figures: Figures = { strategy: deployment.deploymentConfiguration?.strategy ?? 'BLUE_GREEN' };
  if (deployment.status) figures.deploymentStatus = deployment.status;
  if (stage) figures.lifecycleStage = stage;
  const why = deployment.rollback?.reason ?? deployment.statusReason ?? 'no reason given';
  switch (deployment.status) {
    case 'SUCCESSFUL':
      return { state: 'stable', reason: 'promoted: green serves production traffic, blue removed', figures };
    case 'ROLLBACK_REQUESTED':
    case 'ROLLBACK_IN_PROGRESS':
    case 'ROLLBACK_SUCCESSFUL':
      return {
        state: 'failed',
        reason: `rolled back${stage ? ` during ${stage}` : ''}: ${why}${deployment.status === 'ROLLBACK_SUCCESSFUL' ? '; blue serves production again' : ' (traffic returning to blue)'}`,
        figures,
      };
    case 'ROLLBACK_FAILED':
      return { state: 'failed', reason: `rollback FAILED${stage ? ` during ${stage}` : ''}: ${why}`, figures };
    case 'STOPPED':
    case 'STOP_REQUESTED':
      return { state: 'failed', reason: `deployment stopped${stage ? ` during ${stage}` : ''}: ${why}`, figures };
    default: {
      const bake = deployment.deploymentConfiguration?.bakeTimeInMinutes;
      const what = BLUE_GREEN_STAGES[stage] ?? (stage ? `stage ${stage}` : 'waiting to start');
      return {
        state: 'pending',
        reason: `blue/green ${deployment.status ?? 'PENDING'}: ${what}${stage === 'BAKE_TIME' && bake !== undefined ? ` (${bake} min)` : ''}`,
        figures,
      };
    }
  }
}

/**
 * One verdict from DescribeServices and, for a blue/green service, its newest service deployment: a rollback or stop
 * fails at once; promoted needs the PRIMARY deployment to run this deploy's task definition too (stable on both).
 */
export function combineVerdicts(ecs: EcsVerdict, blueGreen: EcsVerdict | undefined): EcsVerdict {
  if (!blueGreen) return ecs;
  const figures = { ...ecs.figures, ...blueGreen.figures };
  if (blueGreen.state === 'failed') return { state: 'failed', reason: blueGreen.reason, figures };
  if (ecs.state === 'failed') return { ...ecs, figures };
  if (blueGreen.state === 'pending') return { state: 'pending', reason: blueGreen.reason, figures };
  if (ecs.state === 'pending') return { state: 'pending', reason: `${blueGreen.reason}; ${ecs.reason}`, figures };
  return { state: 'stable', reason: `${blueGreen.reason}; ${ecs.reason}`, figures };
}

/** The newest service deployment of a service (ListServiceDeployments, then DescribeServiceDeployments). */
async function newestServiceDeployment(
  ecs: ECSClient,
  cluster: string,
  service: string,
): Promise<BlueGreenDeployment | undefined> {
  const list = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service, maxResults: 5 }));
  const newest = [...(list.serviceDeployments ?? [])].sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
  )[0];
  if (!newest?.serviceDeploymentArn) return undefined;
  const out = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [newest.serviceDeploymentArn] }),
  );
  return out.serviceDeployments?.[0];
}

/** Distinct stoppedReasons of recently stopped tasks, e.g. "Essential container in task exited". */
export function summarizeStoppedTasks(
  tasks: readonly { stoppedReason?: string; taskDefinitionArn?: string; lastStatus?: string }[],
): string[] {
  const seen = new Map<string, number>();
  for (const t of tasks) {
    const key = `${taskDefinitionName(t.taskDefinitionArn)}: ${t.stoppedReason ?? 'no stoppedReason'}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.entries()].map(([reason, n]) => (n > 1 ? `${reason} (x${n})` : reason));
}

/**
 * Milliseconds the stopped-task lookup may take after the wait ended (part of the runner's grace, STEP_GRACE_MS):
 * it runs after the step's deadline, so it has its own.
 */
export const STOPPED_TASKS_LOOKUP_MS = 3000;

async function stoppedReasons(ecs: ECSClient, cluster: string, service: string): Promise<string[]> {
  try {
    const list = await ecs.send(
      new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: 20 }),
    );
    const arns = list.taskArns ?? [];
    if (arns.length === 0) return [];
    const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(0, 20) }));
    return summarizeStoppedTasks(described.tasks ?? []).slice(0, 5);
  } catch {
    return [];
  }
}

export async function runEcsStable(ctx: StepContext): Promise<{ message: string; figures: Figures }> {
  requireOutputs(ctx.outputs, 'ecs-stable', ['clusterName', 'serviceName']);
  const cluster = ctx.outputs.clusterName!;
  const serviceName = ctx.outputs.serviceName!;
  const target = { region: resolveRegion(ctx.outputs.region, ctx.env?.region), endpointUrl: ctx.endpointUrl };
  const ecs = awsClient(ECSClient, target, ctx.signal);
  const imagesByTaskDef = new Map<string, string[]>();
  let lastFigures: Figures = {};
  let blueGreenReadable = true;
  try {
    const { value, attempts } = await waitFor(
      `ECS service ${serviceName} in cluster ${cluster} not stable`,
      async () => {
        let service: Service | undefined;
        try {
          const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] }));
          service = out.services?.[0];
        } catch (err) {
          const kind = awsErrorKind(err);
          if (kind === 'auth' || kind === 'expired-credentials' || kind === 'missing') {
            throw new StepFailure({ kind, detail: `DescribeServices ${cluster}/${serviceName}: ${awsErrorName(err)}` });
          }
          return {
            done: false,
            reason: `DescribeServices failed: ${awsErrorName(err)}`,
            kind: kind === 'refused' || kind === 'too-large' ? kind : 'error',
          };
        }
        let primaryImages: string[] | undefined;
        const primary = service?.deployments?.find((d) => d.status === 'PRIMARY');
        if (!ctx.outputs.taskDefinitionArn && ctx.outputs.image && primary?.taskDefinition) {
          if (!imagesByTaskDef.has(primary.taskDefinition)) {
            const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: primary.taskDefinition }));
            imagesByTaskDef.set(
              primary.taskDefinition,
              (td.taskDefinition?.containerDefinitions ?? []).map((c) => c.image ?? ''),
            );
          }
          primaryImages = imagesByTaskDef.get(primary.taskDefinition);
        }
        // Blue/green (config): the newest service deployment says where the rollout is and how it ended.
        let blueGreen: EcsVerdict | undefined;
        if (ctx.env?.service.deployment?.strategy === 'BLUE_GREEN' && blueGreenReadable) {
          try {
            blueGreen = judgeBlueGreenDeployment(await newestServiceDeployment(ecs, cluster, serviceName));
          } catch (err) {
            const kind = awsErrorKind(err);
            if (kind === 'auth' || kind === 'expired-credentials') {
              throw new StepFailure({
                kind,
                detail: `DescribeServiceDeployments ${serviceName}: ${awsErrorName(err)}`,
              });
            }
            blueGreenReadable = false; // an endpoint without the API (an emulator): DescribeServices alone decides
          }
        }
        const ecsVerdict = judgeEcsService(service, {
          taskDefinitionArn: ctx.outputs.taskDefinitionArn,
          image: ctx.outputs.image,
          primaryImages,
        });
        const verdict = combineVerdicts(ecsVerdict, blueGreen);
        lastFigures = verdict.figures;
        if (verdict.state === 'failed') {
          throw new StepFailure({
            kind: service ? 'wrong-answer' : 'missing',
            detail: `ECS service ${serviceName} in cluster ${cluster}: ${verdict.reason}`,
            figures: verdict.figures,
          });
        }
        if (verdict.state === 'pending') return { done: false, reason: verdict.reason };
        return { done: true, value: verdict };
      },
      {
        timeoutMs: ctx.timeoutMs,
        initialDelayMs: 1000,
        maxDelayMs: 15_000,
        signal: ctx.signal,
        onWaiting: ctx.waiting,
      },
    );
    return { message: `ECS service ${serviceName}: ${value.reason}`, figures: { ...value.figures, attempts } };
  } catch (err) {
    if (!(err instanceof StepFailure)) throw err;
    // After the deadline: a client of its own with a short deadline of its own (the step's signal has fired).
    const lookup = new Deadline(STOPPED_TASKS_LOOKUP_MS);
    const lookupClient = awsClient(ECSClient, target, lookup.signal);
    const reasons = await stoppedReasons(lookupClient, cluster, serviceName).finally(() => {
      lookup.dispose();
      lookupClient.destroy();
    });
    const suffix = reasons.length > 0 ? `; stopped tasks: ${reasons.join('; ')}` : '';
    throw new StepFailure({
      kind: err.kind,
      message: err.message + suffix,
      figures: { ...lastFigures, ...err.figures, stoppedTasks: reasons.length },
    });
  } finally {
    ecs.destroy();
  }
}
