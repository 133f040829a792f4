/**
 * The load profile's thresholds, evaluated the same way for both engines (and written the same way into the k6
 * script's `options.thresholds`): p95 latency below the limit, failed-request rate at most the limit, checks
 * (2xx answers) at least the limit.
 */
import type { LoadProfile } from '../../config';
import type { LoadSeries } from '../charts';
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
  readonly rps: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Share of failed requests (network errors, timeouts, HTTP >= 400), 0..1. */
  readonly errorRate: number;
  /** Share of passed checks (2xx answers), 0..1. */
  readonly checksRate: number;
  readonly durationSeconds: number;
  readonly thresholds: readonly ThresholdVerdict[];
  /** Latency per second and its distribution, for the report's charts (the embedded engine). */
  readonly series?: LoadSeries;
}

/** The k6 threshold expressions of a profile, keyed by k6 metric. */
export function k6Thresholds(profile: LoadProfile): Record<string, string[]> {
  return {
    http_req_duration: [`p(95)<${profile.thresholds.p95Ms}`],
    http_req_failed: [`rate<=${profile.thresholds.maxErrorRate}`],
    checks: [`rate>=${profile.thresholds.minChecksRate}`],
  };
}

/** Judges measured figures against the profile (the embedded engine's verdicts; k6 judges its own). */
export function evaluateThresholds(
  profile: LoadProfile,
  measured: { p95Ms: number; errorRate: number; checksRate: number; requests: number },
): ThresholdVerdict[] {
  const t = profile.thresholds;
  const none = measured.requests === 0;
  return [
    {
      metric: 'http_req_duration',
      expression: `p(95)<${t.p95Ms}`,
      actual: measured.p95Ms,
      ok: !none && measured.p95Ms < t.p95Ms,
    },
    {
      metric: 'http_req_failed',
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
  ];
}

/** Nearest-rank percentile of an ascending sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Figures for the report: flat, rounded. */
export function loadFiguresForReport(f: LoadFigures): Figures {
  const figures: Figures = {
    engine: f.engine,
    requests: f.requests,
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
