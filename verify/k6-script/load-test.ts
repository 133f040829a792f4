/**
 * k6 script for the post-deploy load benchmark. It reads the same declarative profile as the embedded engine
 * (config/<env>.ts `verify.load`), written by verify as JSON:
 *   VERIFY_PROFILE_FILE  path of the profile JSON (or VERIFY_PROFILE with the JSON itself)
 *   VERIFY_BASE_URL      the API base URL, e.g. https://api.example
 *   VERIFY_SUMMARY_FILE  where handleSummary writes the machine-readable summary (default k6-summary.json)
 * Run by verify as `k6 run -e ... verify/k6-script/load-test.ts`; exit code 99 means a threshold failed.
 * Type-checked with @types/k6 through verify/k6-script/tsconfig.json (`npm run typecheck`); k6 runs .ts natively.
 */
import { check } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';

interface Profile {
  readonly paths: readonly string[];
  readonly virtualUsers: number;
  readonly durationSeconds: number;
  readonly thresholds: { readonly p95Ms: number; readonly maxErrorRate: number; readonly minChecksRate: number };
}

const profile: Profile = JSON.parse(__ENV.VERIFY_PROFILE ?? open(__ENV.VERIFY_PROFILE_FILE));
const baseUrl = (__ENV.VERIFY_BASE_URL ?? '').replace(/\/+$/, '');
if (!baseUrl) throw new Error('VERIFY_BASE_URL is not set');

// Keep these expressions identical to verify/load/profile.ts k6Thresholds().
export const options: Options = {
  scenarios: {
    profile: {
      executor: 'constant-vus',
      vus: profile.virtualUsers,
      duration: `${profile.durationSeconds}s`,
      gracefulStop: '10s',
    },
  },
  thresholds: {
    http_req_duration: [`p(95)<${profile.thresholds.p95Ms}`],
    http_req_failed: [`rate<=${profile.thresholds.maxErrorRate}`],
    checks: [`rate>=${profile.thresholds.minChecksRate}`],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  noConnectionReuse: false,
};

export default function (): void {
  for (const path of profile.paths) {
    const res = http.get(`${baseUrl}/${path.replace(/^\/+/, '')}`, { tags: { name: path } });
    check(res, { 'status is 2xx': (r) => r.status >= 200 && r.status < 300 });
  }
}

/** Replaces the console summary: the whole summary as JSON for verify, and one line for the log. */
export function handleSummary(data: {
  metrics: Record<string, { values: Record<string, number> }>;
}): Record<string, string> {
  const duration = data.metrics.http_req_duration?.values ?? {};
  const reqs = data.metrics.http_reqs?.values ?? {};
  const line = `k6: ${reqs.count ?? 0} requests, ${(reqs.rate ?? 0).toFixed(1)}/s, p95 ${(duration['p(95)'] ?? 0).toFixed(1)} ms\n`;
  return { [__ENV.VERIFY_SUMMARY_FILE ?? 'k6-summary.json']: JSON.stringify(data), stdout: line };
}
