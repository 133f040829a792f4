/**
 * Step 6, smoke: the app's public routes with the answers it really gives (verify/expectations.ts, from the app
 * contract), then, where the environment allows it, the member journey (verify/journey.ts).
 */
import type { SmokeTest } from '../config';
import { StepFailure, kindLabel } from './errors';
import { runMemberJourney } from './journey';
import { redactUrl } from '../lib/redact';
import { bodySummary, httpRequest, joinUrl, MAX_BODY_BYTES } from './http';
import type { FailureKind, Figures, StepContext } from './types';

export interface SmokeOutcome {
  readonly name: string;
  readonly ok: boolean;
  /** Why it failed, as a field (the detail starts with the kind's label). */
  readonly kind?: FailureKind;
  readonly detail: string;
  readonly latencyMs?: number;
}

/** Runs one smoke test; never throws (a refused connection is a failed outcome). */
export async function runSmokeTest(
  baseUrl: string,
  test: SmokeTest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<SmokeOutcome> {
  const url = joinUrl(baseUrl, test.path);
  const shown = redactUrl(url);
  try {
    const answer = await httpRequest(url, { method: test.method, body: test.body, timeoutMs, signal });
    if (answer.status === 429 && test.expectStatus !== 429) {
      return {
        name: test.name,
        ok: false,
        kind: 'rate-limited',
        detail: `${kindLabel('rate-limited')}: ${test.method} ${shown}: HTTP 429 (the app's rate limit refused it)`,
        latencyMs: answer.latencyMs,
      };
    }
    if (answer.cut) {
      return {
        name: test.name,
        ok: false,
        kind: 'too-large',
        detail: `${kindLabel('too-large')}: ${test.method} ${shown}: answer larger than ${MAX_BODY_BYTES} bytes (cut there)`,
        latencyMs: answer.latencyMs,
      };
    }
    const problems: string[] = [];
    if (answer.status !== test.expectStatus) problems.push(`status ${answer.status}, expected ${test.expectStatus}`);
    const absent = (test.expectBodyIncludes ?? []).filter((fragment) => !answer.body.includes(fragment));
    if (absent.length > 0)
      problems.push(
        `body lacks ${absent.map((f) => JSON.stringify(f)).join(', ')} (got "${bodySummary(answer.body)}")`,
      );
    if (problems.length === 0)
      return {
        name: test.name,
        ok: true,
        detail: `${test.method} ${shown} -> ${answer.status}`,
        latencyMs: answer.latencyMs,
      };
    return {
      name: test.name,
      ok: false,
      kind: 'wrong-answer',
      detail: `${kindLabel('wrong-answer')}: ${test.method} ${shown}: ${problems.join('; ')}`,
      latencyMs: answer.latencyMs,
    };
  } catch (err) {
    if (err instanceof StepFailure) return { name: test.name, ok: false, kind: err.kind, detail: err.message };
    return {
      name: test.name,
      ok: false,
      kind: 'error',
      detail: `${kindLabel('error')}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

export async function runSmoke(
  ctx: StepContext,
  tests: readonly SmokeTest[],
  options: { readonly memberJourney?: boolean } = {},
): Promise<{ message: string; figures: Figures; findings?: readonly string[] }> {
  if (!ctx.apiUrl) throw new StepFailure({ kind: 'missing', detail: 'no API URL for the smoke tests' });
  if (tests.length === 0 && !options.memberJourney)
    return { message: 'no smoke tests configured', figures: { tests: 0 } };
  const deadline = Date.now() + ctx.timeoutMs;
  const outcomes: SmokeOutcome[] = [];
  for (const test of tests) {
    const left = deadline - Date.now();
    if (left <= 0) {
      outcomes.push({
        name: test.name,
        ok: false,
        kind: 'timeout',
        detail: `${kindLabel('timeout')}: not run, the step's ${Math.round(ctx.timeoutMs / 1000)} s ran out`,
      });
      continue;
    }
    outcomes.push(await runSmokeTest(ctx.apiUrl, test, left, ctx.signal));
  }
  const findings: string[] = [];
  if (options.memberJourney) {
    const journey = await runMemberJourney(ctx.apiUrl, Math.max(1, deadline - Date.now()), ctx.signal);
    findings.push(...journey.findings);
    outcomes.push({ name: 'member journey', ok: journey.ok, kind: journey.kind, detail: journey.detail });
  }
  const failed = outcomes.filter((o) => !o.ok);
  const figures: Figures = { tests: outcomes.length, passed: outcomes.length - failed.length, failed: failed.length };
  if (options.memberJourney) figures.memberJourney = outcomes[outcomes.length - 1].ok ? 'passed' : 'failed';
  if (failed.length > 0) {
    // The step fails with the first failure's kind.
    const kind = failed[0].kind ?? 'wrong-answer';
    const message = `${failed.length}/${outcomes.length} smoke tests failed: ${failed.map((o) => `[${o.name}] ${o.detail}`).join('; ')}`;
    throw new StepFailure({ kind, message, figures, findings });
  }
  return {
    message: `${outcomes.length}/${outcomes.length} smoke tests passed (${outcomes.map((o) => o.name).join(', ')})`,
    figures,
    ...(findings.length > 0 ? { findings } : {}),
  };
}
