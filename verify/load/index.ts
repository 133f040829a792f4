/**
 * Step 7, load: the environment's load profile against the API, on k6 when it is on PATH (or forced with
 * --load-engine k6), else on the embedded autocannon engine. Fails when a threshold fails.
 */
import * as path from 'node:path';
import type { LoadProfile } from '../../config';
import { redactUrl } from '../../lib/redact';
import { writeLoadSeries } from '../charts/series';
import { StepFailure, UsageError } from '../errors';
import type { Figures, LoadEngineName, StepContext } from '../types';
import { runEmbeddedLoad } from './embedded';
import { findK6, runK6Load } from './k6-runner';
import { loadFiguresForReport, type LoadFigures } from './profile';

/** Which engine runs: forced, else k6 when on PATH, else embedded. Forcing k6 without k6 is a usage error. */
export function chooseEngine(forced: LoadEngineName | undefined, k6Path: string | undefined): LoadEngineName {
  if (forced === 'k6' && !k6Path) {
    throw new UsageError(
      '--load-engine k6: k6 is not on PATH (install it, e.g. with grafana/setup-k6 in CI, or use --load-engine embedded)',
    );
  }
  return forced ?? (k6Path ? 'k6' : 'embedded');
}

export function summarizeLoad(f: LoadFigures): string {
  const failed = f.thresholds.filter((t) => !t.ok);
  const head = `${f.engine}: ${f.requests} requests, ${f.rps.toFixed(2)}/s, ${f.served} served (p50 ${f.p50Ms.toFixed(1)} ms, p95 ${f.p95Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms), rate limited ${f.rateLimited}, errors ${(f.errorRate * 100).toFixed(2)}%, checks ${(f.checksRate * 100).toFixed(2)}%`;
  if (failed.length === 0) return `${head}; thresholds passed`;
  return `${head}; thresholds FAILED: ${failed.map((t) => `${t.metric} ${t.expression} (actual ${Number(t.actual.toFixed(4))})`).join(', ')}`;
}

export async function runLoad(ctx: StepContext, profile: LoadProfile): Promise<{ message: string; figures: Figures }> {
  if (!ctx.apiUrl) throw new StepFailure({ kind: 'missing', detail: 'no API URL for the load benchmark' });
  const k6 = findK6();
  const engine = chooseEngine(ctx.loadEngine, k6);
  let figures: LoadFigures;
  if (engine === 'k6') {
    const grace = Math.max(30, Math.round(ctx.timeoutMs / 1000));
    figures = (await runK6Load(k6!, ctx.apiUrl, profile, path.join(ctx.reportDir, 'k6'), grace, ctx.signal)).figures;
  } else {
    figures = await runEmbeddedLoad(ctx.apiUrl, profile, { signal: ctx.signal });
  }
  if (figures.series) writeLoadSeries(ctx.reportDir, figures.series);
  const message = summarizeLoad(figures);
  const reportFigures: Figures = {
    ...loadFiguresForReport(figures),
    ...(profile.requestsPerMinute ? { requestsPerMinute: profile.requestsPerMinute } : {}),
  };
  if (figures.responses === 0)
    throw new StepFailure({
      kind: 'refused',
      detail: `load on ${redactUrl(ctx.apiUrl)}: no request got an answer; ${message}`,
      figures: reportFigures,
    });
  // 429s mean the run measured the app's limiter: their own kind, ahead of any other threshold.
  if (figures.rateLimited > 0)
    throw new StepFailure({
      kind: 'rate-limited',
      detail: `load on ${redactUrl(ctx.apiUrl)}: ${figures.rateLimited} of ${figures.requests} requests refused by the app's rate limit (429); ${message}`,
      figures: reportFigures,
    });
  if (figures.thresholds.some((t) => !t.ok))
    throw new StepFailure({
      kind: 'wrong-answer',
      detail: `load on ${redactUrl(ctx.apiUrl)}: ${message}`,
      figures: reportFigures,
    });
  return { message, figures: reportFigures };
}
