/**
 * Step 2, ecs-stable: the service settled AND the deployment this deploy made is the one that won.
 *
 * The SDK's services-stable waiter accepts "one deployment and running == desired", which is also what a service
 * looks like after the deployment circuit breaker rolled a failed deployment back. This step decides with the pure
 * function `judgeEcsService` below: one PRIMARY deployment, rolloutState COMPLETED, running == desired, and the
 * primary runs the task definition the deploy registered (or, without that output, the expected image).
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
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
        const verdict = judgeEcsService(service, {
          taskDefinitionArn: ctx.outputs.taskDefinitionArn,
          image: ctx.outputs.image,
          primaryImages,
        });
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
      { timeoutMs: ctx.timeoutMs, initialDelayMs: 1000, maxDelayMs: 15_000, signal: ctx.signal },
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
