/**
 * Step 4, api-health: GET the health path until it answers what the app contract calls healthy (contracts/app.ts
 * APP_HEALTH: 200 and {"status":"healthy"}), or the step's deadline passes.
 */
import type { HealthExpectation } from '../config';
import { APP_HEALTH } from '../contracts/app';
import { redactUrl } from '../lib/redact';
import { StepFailure } from './errors';
import { healthExpectation } from './expectations';
import { bodySummary, httpRequest, joinUrl, MAX_BODY_BYTES, type HttpAnswer } from './http';
import type { FailureKind, Figures, StepContext } from './types';
import { waitFor } from './wait';

/** The health path: the health_path output, else the app contract's. */
export function healthPath(ctx: StepContext): string {
  return ctx.outputs.healthPath ?? APP_HEALTH.path;
}

/** The value at a dot path of a parsed JSON document, or undefined. */
function fieldAt(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Judges one answer against the expectation. Pure. `undefined` means healthy; otherwise why not and which kind:
 * a body over the limit is `too-large`, a redirect to another origin or a body that says something else is
 * `wrong-answer`, any other status is a plain "not yet" (the deadline turns it into `timeout`).
 */
export function judgeHealth(
  answer: Pick<HttpAnswer, 'status' | 'body' | 'cut' | 'bodyBytes' | 'offOriginRedirect'>,
  expected: HealthExpectation = {},
): { reason: string; kind?: FailureKind } | undefined {
  const status = expected.expectStatus ?? 200;
  if (answer.cut) return { reason: `answer larger than ${MAX_BODY_BYTES} bytes (cut there)`, kind: 'too-large' };
  if (answer.offOriginRedirect)
    return {
      reason: `HTTP ${answer.status} redirect to another host ${answer.offOriginRedirect} (not followed)`,
      kind: 'wrong-answer',
    };
  if (answer.status !== status) {
    return { reason: `last answer HTTP ${answer.status} ${bodySummary(answer.body)}`.trim() };
  }
  if (expected.jsonField) {
    let doc: unknown;
    try {
      doc = JSON.parse(answer.body);
    } catch {
      return {
        reason: `HTTP ${answer.status} but the body is not JSON (expected ${expected.jsonField.path} == ${JSON.stringify(expected.jsonField.equals)}): "${bodySummary(answer.body)}"`,
        kind: 'wrong-answer',
      };
    }
    const actual = fieldAt(doc, expected.jsonField.path);
    if (actual !== expected.jsonField.equals) {
      return {
        reason: `HTTP ${answer.status} but ${expected.jsonField.path} is ${actual === undefined ? 'absent' : JSON.stringify(actual)}, expected ${JSON.stringify(expected.jsonField.equals)}`,
        kind: 'wrong-answer',
      };
    }
  }
  const absent = (expected.bodyIncludes ?? []).filter((f) => !answer.body.includes(f));
  if (absent.length > 0) {
    return {
      reason: `HTTP ${answer.status} but the body lacks ${absent.map((f) => JSON.stringify(f)).join(', ')}: "${bodySummary(answer.body)}"`,
      kind: 'wrong-answer',
    };
  }
  return undefined;
}

export async function runApiHealth(ctx: StepContext): Promise<{ message: string; figures: Figures }> {
  if (!ctx.apiUrl) {
    throw new StepFailure({
      kind: 'missing',
      detail: 'no API URL (pass --api-url, or deploy a stack with the api_url or load_balancer_dns output)',
    });
  }
  const url = joinUrl(ctx.apiUrl, healthPath(ctx));
  const shown = redactUrl(url);
  const expected = healthExpectation();
  const status = expected.expectStatus ?? 200;
  const seen: number[] = [];
  let lastBytes = 0;
  const { value, attempts } = await waitFor(
    `API health GET ${shown}`,
    async (remainingMs) => {
      try {
        const answer = await httpRequest(url, { timeoutMs: remainingMs, signal: ctx.signal, followRedirects: true });
        seen.push(answer.status);
        lastBytes = answer.bodyBytes;
        const problem = judgeHealth(answer, expected);
        if (!problem) return { done: true, value: answer };
        return { done: false, reason: problem.reason, kind: problem.kind };
      } catch (err) {
        if (err instanceof StepFailure) return { done: false, reason: err.reason, kind: err.kind };
        throw err;
      }
    },
    { timeoutMs: ctx.timeoutMs, initialDelayMs: 250, maxDelayMs: 5000, signal: ctx.signal, onWaiting: ctx.waiting },
  ).catch((err: unknown) => {
    if (err instanceof StepFailure)
      throw new StepFailure({ kind: err.kind, detail: err.detail, figures: { bodyBytes: lastBytes } });
    throw err;
  });
  const figures: Figures = {
    status: value.status,
    latencyMs: value.latencyMs,
    attempts,
    bodyBytes: value.bodyBytes,
    body: bodySummary(value.body),
  };
  if (value.redirects.length > 0) figures.redirects = value.redirects.length;
  const earlier = seen.slice(0, -1).filter((s) => s !== status);
  const retried =
    attempts > 1 ? ` after ${attempts} attempts${earlier.length ? ` (earlier: ${earlier.join(', ')})` : ''}` : '';
  return { message: `GET ${shown} -> ${value.status} in ${value.latencyMs} ms${retried}`, figures };
}
