/**
 * k6 script for the post-deploy load benchmark. It reads the same declarative profile as the embedded engine
 * (verify/expectations.ts loadProfile(config/<env>.ts `verify.load`)), written by verify as JSON:
 *   VERIFY_PROFILE_FILE  path of the profile JSON (or VERIFY_PROFILE with the JSON itself)
 *   VERIFY_BASE_URL      the API base URL, e.g. https://api.example
 *   VERIFY_SUMMARY_FILE  where handleSummary writes the machine-readable summary (default k6-summary.json)
 * Run by verify as `k6 run -e ... verify/k6-script/load-test.ts`; exit code 99 means a threshold failed.
 * A paced profile (requestsPerMinute) runs as constant-arrival-rate; answers refused by the app's rate limit (429)
 * are counted in `rate_limited`, never as a pass (checks) nor as an error (`errors`); `served_duration` holds the
 * latencies of the 2xx answers.
 * Type-checked with @types/k6 through verify/k6-script/tsconfig.json (`npm run typecheck`); k6 runs .ts natively.
 */
import { check } from 'k6';
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';

interface Profile {
  readonly paths: readonly string[];
  readonly virtualUsers: number;
  readonly durationSeconds: number;
  readonly requestsPerMinute?: number;
  readonly thresholds: { readonly p95Ms: number; readonly maxErrorRate: number; readonly minChecksRate: number };
}

const profile: Profile = JSON.parse(__ENV.VERIFY_PROFILE ?? open(__ENV.VERIFY_PROFILE_FILE));
const baseUrl = (__ENV.VERIFY_BASE_URL ?? '').replace(/\/+$/, '');
if (!baseUrl) throw new Error('VERIFY_BASE_URL is not set');

const rateLimited = new Counter('rate_limited');
const errors = new Rate('errors');
const servedDuration = new Trend('served_duration', true);

const scenario: Scenario = profile.requestsPerMinute
  ? {
      executor: 'constant-arrival-rate',
      rate: profile.requestsPerMinute,
      timeUnit: '1m',
      duration: `${profile.durationSeconds}s`,
      preAllocatedVUs: profile.virtualUsers,
      maxVUs: profile.virtualUsers,
      gracefulStop: '10s',
    }
  : {
      executor: 'constant-vus',
      vus: profile.virtualUsers,
      duration: `${profile.durationSeconds}s`,
      gracefulStop: '10s',
    };

// Keep these expressions identical to verify/load/profile.ts k6Thresholds().
export const options: Options = {
  scenarios: { profile: scenario },
  thresholds: {
    served_duration: [`p(95)<${profile.thresholds.p95Ms}`],
    errors: [`rate<=${profile.thresholds.maxErrorRate}`],
    checks: [`rate>=${profile.thresholds.minChecksRate}`],
    rate_limited: ['count==0'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  noConnectionReuse: false,
};

let next = 0;

export default function (): void {
  // A paced run sends one request per iteration; an unpaced one cycles through every path.
  const paths = profile.requestsPerMinute ? [profile.paths[next++ % profile.paths.length]] : profile.paths;
  for (const path of paths) {
    const res = http.get(`${baseUrl}/${path.replace(/^\/+/, '')}`, { tags: { name: path } });
    const limited = res.status === 429;
    if (limited) rateLimited.add(1);
    else errors.add(res.status === 0 || res.status >= 400);
    if (res.status >= 200 && res.status < 300) servedDuration.add(res.timings.duration);
    check(res, { 'status is 2xx': (r) => r.status >= 200 && r.status < 300 });
  }
}

/** Replaces the console summary: the whole summary as JSON for verify, and one line for the log. */
export function handleSummary(data: {
  metrics: Record<string, { values: Record<string, number> }>;
}): Record<string, string> {
  const duration = data.metrics.served_duration?.values ?? {};
  const reqs = data.metrics.http_reqs?.values ?? {};
  const limited = data.metrics.rate_limited?.values?.count ?? 0;
  const line = `k6: ${reqs.count ?? 0} requests, ${(reqs.rate ?? 0).toFixed(1)}/s, served p95 ${(duration['p(95)'] ?? 0).toFixed(1)} ms, rate limited ${limited}\n`;
  return { [__ENV.VERIFY_SUMMARY_FILE ?? 'k6-summary.json']: JSON.stringify(data), stdout: line };
}
