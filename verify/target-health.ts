/** Step 3, target-health: every target registered in the service's target group reports healthy. */
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsClient, awsErrorKind, awsErrorName, resolveRegion } from './aws';
import { StepFailure } from './errors';
import { requireOutputs } from './outputs';
import type { Figures, StepContext } from './types';
import { waitFor } from './wait';

export interface TargetState {
  readonly id: string;
  readonly port?: number;
  readonly state: string;
  readonly reason?: string;
}

/** Pure: healthy when at least one target and every target is `healthy`. */
export function judgeTargets(targets: readonly TargetState[]): { healthy: boolean; reason: string } {
  if (targets.length === 0) return { healthy: false, reason: 'no targets registered' };
  const bad = targets.filter((t) => t.state !== 'healthy');
  if (bad.length === 0) return { healthy: true, reason: `${targets.length}/${targets.length} targets healthy` };
  const list = bad.map((t) => `${t.id}${t.port ? `:${t.port}` : ''} ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
  return {
    healthy: false,
    reason: `${targets.length - bad.length}/${targets.length} healthy; ${list.slice(0, 5).join(', ')}`,
  };
}

export async function runTargetHealth(ctx: StepContext): Promise<{ message: string; figures: Figures }> {
  requireOutputs(ctx.outputs, 'target-health', ['targetGroupArn']);
  const arn = ctx.outputs.targetGroupArn!;
  const elb = awsClient(
    ElasticLoadBalancingV2Client,
    { region: resolveRegion(ctx.outputs.region, ctx.env?.region), endpointUrl: ctx.endpointUrl },
    ctx.signal,
  );
  try {
    const { value, attempts } = await waitFor(
      `targets of ${arn} not all healthy`,
      async () => {
        let targets: TargetState[];
        try {
          const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
          targets = (out.TargetHealthDescriptions ?? []).map((d) => ({
            id: d.Target?.Id ?? '?',
            port: d.Target?.Port,
            state: d.TargetHealth?.State ?? 'unknown',
            reason: d.TargetHealth?.Reason,
          }));
        } catch (err) {
          const kind = awsErrorKind(err);
          if (kind !== 'refused' && kind !== 'error' && kind !== 'timeout' && kind !== 'too-large') {
            throw new StepFailure({ kind, detail: `DescribeTargetHealth ${arn}: ${awsErrorName(err)}` });
          }
          return {
            done: false,
            reason: `DescribeTargetHealth failed: ${awsErrorName(err)}`,
            kind: kind === 'refused' || kind === 'too-large' ? kind : 'error',
          };
        }
        const verdict = judgeTargets(targets);
        return verdict.healthy
          ? { done: true, value: { targets, reason: verdict.reason } }
          : { done: false, reason: verdict.reason };
      },
      {
        timeoutMs: ctx.timeoutMs,
        initialDelayMs: 1000,
        maxDelayMs: 10_000,
        signal: ctx.signal,
        onWaiting: ctx.waiting,
      },
    );
    return {
      message: value.reason,
      figures: { targets: value.targets.length, healthy: value.targets.length, attempts },
    };
  } finally {
    elb.destroy();
  }
}
