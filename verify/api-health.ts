/** Step 4, api-health: GET the health path until it answers 200 or the step times out. */
import { StepFailure } from './errors';
import { bodySummary, httpRequest, joinUrl } from './http';
import type { Figures, StepContext } from './types';
import { waitFor } from './wait';

/** The health path: the health_path output, then the environment's config, then /health. */
export function healthPath(ctx: StepContext): string {
  return ctx.outputs.healthPath ?? ctx.env?.service.healthCheckPath ?? '/health';
}

export async function runApiHealth(ctx: StepContext): Promise<{ message: string; figures: Figures }> {
  if (!ctx.apiUrl) {
    throw new StepFailure({
      kind: 'missing',
      detail: 'no API URL (pass --api-url, or deploy a stack with the api_url or load_balancer_dns output)',
    });
  }
  const url = joinUrl(ctx.apiUrl, healthPath(ctx));
  const seen: number[] = [];
  const { value, attempts } = await waitFor(
    `API health GET ${url}`,
    async (remainingMs) => {
      try {
        const answer = await httpRequest(url, { timeoutMs: remainingMs, followRedirects: true });
        seen.push(answer.status);
        if (answer.status === 200) return { done: true, value: answer };
        return { done: false, reason: `last answer HTTP ${answer.status} ${bodySummary(answer.body)}`.trim() };
      } catch (err) {
        if (err instanceof StepFailure) return { done: false, reason: err.reason, kind: err.kind };
        throw err;
      }
    },
    { timeoutMs: ctx.timeoutMs, initialDelayMs: 250, maxDelayMs: 5000 },
  );
  const figures: Figures = {
    status: value.status,
    latencyMs: value.latencyMs,
    attempts,
    body: bodySummary(value.body),
  };
  const earlier = seen.slice(0, -1).filter((s) => s !== 200);
  const retried =
    attempts > 1 ? ` after ${attempts} attempts${earlier.length ? ` (earlier: ${earlier.join(', ')})` : ''}` : '';
  return { message: `GET ${url} -> 200 in ${value.latencyMs} ms${retried}`, figures };
}
