/**
 * The load profile's thresholds, evaluated the same way for both engines (and written the same way into the k6
 * script's `options.thresholds`): p95 latency of the served answers below the limit, failed-request rate at most the
 * limit, checks (2xx answers) at least the limit, and no answer refused by the app's rate limit (429): those are
 * counted as their own kind, never as a pass and never among the errors.
 */
import type { LoadProfile } from '../../config';
import { percentile, seriesFromSamples, type LoadSeries } from '../charts/series';
import type { Figures, LoadEngineName } from '../types';

export interface ThresholdVerdict {
  /** k6 metric name, e.g. http_req_duration. */
  readonly metric: string;
  /** k6 threshold expression, e.g. p(95)<800. */
  readonly expression: string;
  readonly ok: boolean;
  /** The measured value, e.g. 12.3 (ms) or 0.002 (rate). */
  readonly actual: number;
}

export interface LoadFigures {
  readonly engine: LoadEngineName;
  readonly requests: number;
  /** Requests that got an HTTP answer (any status); 0 means the API was never reached. */
  readonly responses: number;
  /** Answers with a 2xx status: the latency percentiles are theirs. */
  readonly served: number;
  /** Answers refused by the app's rate limit (HTTP 429): neither a pass nor an error, their own kind. */
  readonly rateLimited: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Share of failed requests (network errors, timeouts, HTTP >= 400 other than 429), 0..1. */
  readonly errorRate: number;
  /** Share of passed checks (2xx answers), 0..1. */
  readonly checksRate: number;
  readonly durationSeconds: number;
  /** Paced runs: requests not started because `virtualUsers` were all in flight (k6: dropped_iterations). */
  readonly dropped?: number;
  readonly thresholds: readonly ThresholdVerdict[];
  /** Latency per second and its distribution, for the report's charts (the embedded engine). */
  readonly series?: LoadSeries;
}

/** The k6 threshold expressions of a profile, keyed by k6 metric. */
export function k6Thresholds(profile: LoadProfile): Record<string, string[]> {
  return {
    served_duration: [`p(95)<${profile.thresholds.p95Ms}`],
    errors: [`rate<=${profile.thresholds.maxErrorRate}`],
    checks: [`rate>=${profile.thresholds.minChecksRate}`],
    rate_limited: ['count==0'],
  };
}

/** Judges measured figures against the profile (the embedded engine's verdicts; k6 judges its own). */
export function evaluateThresholds(
  profile: LoadProfile,
  measured: { p95Ms: number; errorRate: number; checksRate: number; requests: number; rateLimited: number },
): ThresholdVerdict[] {
  const t = profile.thresholds;
  const none = measured.requests === 0;
  return [
    {
      metric: 'served_duration',
      expression: `p(95)<${t.p95Ms}`,
      actual: measured.p95Ms,
      ok: !none && measured.p95Ms < t.p95Ms,
    },
    {
      metric: 'errors',
      expression: `rate<=${t.maxErrorRate}`,
      actual: measured.errorRate,
      ok: !none && measured.errorRate <= t.maxErrorRate,
    },
    {
      metric: 'checks',
      expression: `rate>=${t.minChecksRate}`,
      actual: measured.checksRate,
      ok: !none && measured.checksRate >= t.minChecksRate,
    },
    { metric: 'rate_limited', expression: 'count==0', actual: measured.rateLimited, ok: measured.rateLimited === 0 },
  ];
}

/** One request of a load run: its status (none: no answer), latency and when it ended (ms after the start). */
export interface LoadSample {
  readonly status?: number;
  readonly latencyMs: number;
  readonly offsetMs: number;
}

/**
 * The figures of a run from its requests: latency percentiles of the served (2xx) answers, 429 answers counted as
 * rate limited (not errors, not passes), network errors and other HTTP >= 400 as errors. `networkErrors` counts
 * requests that have no sample (autocannon reports them as a number).
 */
export function figuresFromSamples(
  engine: LoadEngineName,
  samples: readonly LoadSample[],
  networkErrors: number,
  profile: LoadProfile,
  seconds: number,
): LoadFigures {
  const answered = samples.filter((s) => s.status !== undefined);
  const servedSamples = answered.filter((s) => s.status! >= 200 && s.status! < 300);
  const rateLimited = answered.filter((s) => s.status === 429).length;
  const httpErrors = answered.filter((s) => s.status! >= 400 && s.status !== 429).length;
  const total = samples.length + networkErrors;
  const errors = httpErrors + networkErrors + (samples.length - answered.length);
  const latencies = servedSamples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const measured = {
    requests: total,
    p95Ms: percentile(latencies, 95),
    errorRate: total === 0 ? 1 : errors / total,
    checksRate: total === 0 ? 0 : servedSamples.length / total,
    rateLimited,
  };
  return {
    engine,
    requests: total,
    responses: answered.length,
    served: servedSamples.length,
    rateLimited,
    rps: seconds > 0 ? total / seconds : 0,
    p50Ms: percentile(latencies, 50),
    p95Ms: measured.p95Ms,
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length ? latencies[latencies.length - 1] : 0,
    errorRate: measured.errorRate,
    checksRate: measured.checksRate,
    durationSeconds: seconds,
    thresholds: evaluateThresholds(profile, measured),
    series: seriesFromSamples(
      engine,
      servedSamples.map((s) => s.offsetMs),
      servedSamples.map((s) => s.latencyMs),
    ),
  };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Figures for the report: flat, rounded. */
export function loadFiguresForReport(f: LoadFigures): Figures {
  const figures: Figures = {
    engine: f.engine,
    requests: f.requests,
    served: f.served,
    rateLimited: f.rateLimited,
    ...(f.dropped === undefined ? {} : { dropped: f.dropped }),
    rps: round(f.rps, 1),
    p50Ms: round(f.p50Ms),
    p95Ms: round(f.p95Ms),
    p99Ms: round(f.p99Ms),
    errorRate: round(f.errorRate, 4),
    checksRate: round(f.checksRate, 4),
  };
  for (const v of f.thresholds) figures[`threshold ${v.metric} ${v.expression}`] = v.ok ? 'pass' : 'FAIL';
  return figures;
}
