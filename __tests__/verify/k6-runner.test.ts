/**
 * The k6 engine's plumbing (arguments, profile file, summary folding, exit code 99 vs. other failures). k6 is
 * AGPL and not installed here, so a stand-in `k6` shell script on PATH records its arguments and writes a summary
 * in k6's handleSummary shape; the real k6 run happens in the GitHub workflows.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LoadProfile } from '../../config';
import { StepFailure } from '../../verify/errors';
import { runLoad } from '../../verify/load';
import { k6ScriptPath } from '../../verify/load/k6-runner';
import type { StepContext } from '../../verify/types';

const STAND_IN = `#!/usr/bin/env bash
# Stand-in for k6 in tests: records its arguments, writes the summary the test prepared, exits as told.
printf '%s\\n' "$@" > "$K6_STANDIN_DIR/args"
summary=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-e" ]; then case "$2" in VERIFY_SUMMARY_FILE=*) summary="\${2#VERIFY_SUMMARY_FILE=}";; VERIFY_PROFILE_FILE=*) cp "\${2#VERIFY_PROFILE_FILE=}" "$K6_STANDIN_DIR/profile.json";; esac; shift; fi
  shift
done
[ -n "$summary" ] && cp "$K6_STANDIN_DIR/summary.json" "$summary"
echo "stand-in k6 failing on purpose" >&2
exit "\${K6_STANDIN_EXIT:-0}"
`;

const profile: LoadProfile = {
  paths: ['/health'],
  virtualUsers: 3,
  durationSeconds: 5,
  thresholds: { p95Ms: 300, maxErrorRate: 0.01, minChecksRate: 0.99 },
};

function summary(p95: number, p95ok: boolean) {
  return {
    state: { testRunDurationMs: 5004 },
    metrics: {
      http_req_duration: {
        type: 'trend',
        values: { med: 20, 'p(95)': p95, 'p(99)': p95 * 1.5, max: p95 * 2 },
        thresholds: { 'p(95)<300': { ok: p95ok } },
      },
      http_reqs: { type: 'counter', values: { count: 750, rate: 149.9 } },
      http_req_failed: { type: 'rate', values: { rate: 0 }, thresholds: { 'rate<=0.01': { ok: true } } },
      checks: { type: 'rate', values: { rate: 1 }, thresholds: { 'rate>=0.99': { ok: true } } },
    },
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'k6-standin-'));
const savedPath = process.env.PATH;
beforeAll(() => {
  writeFileSync(path.join(dir, 'k6'), STAND_IN);
  chmodSync(path.join(dir, 'k6'), 0o755);
  process.env.PATH = `${dir}${path.delimiter}${savedPath}`;
  process.env.K6_STANDIN_DIR = dir;
});
afterAll(() => {
  process.env.PATH = savedPath;
  delete process.env.K6_STANDIN_DIR;
  delete process.env.K6_STANDIN_EXIT;
});

const ctx = (): StepContext => ({
  outputs: { source: 'test' },
  timeoutMs: 10_000,
  apiUrl: 'http://127.0.0.1:9',
  reportDir: mkdtempSync(path.join(tmpdir(), 'k6-report-')),
});

test('k6 on PATH is picked by default: the script, the profile and the URL are passed; the summary is folded in', async () => {
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary(120, true)));
  process.env.K6_STANDIN_EXIT = '0';
  const c = ctx();
  const result = await runLoad(c, profile);
  const args = readFileSync(path.join(dir, 'args'), 'utf8').trim().split('\n');
  expect(args[0]).toBe('run');
  expect(args[args.length - 1]).toBe(k6ScriptPath());
  expect(args).toContain('VERIFY_BASE_URL=http://127.0.0.1:9');
  expect(args).toContain(`VERIFY_SUMMARY_FILE=${path.join(c.reportDir, 'k6', 'k6-summary.json')}`);
  expect(JSON.parse(readFileSync(path.join(dir, 'profile.json'), 'utf8'))).toEqual(profile);
  expect(result.figures).toMatchObject({
    engine: 'k6',
    requests: 750,
    rps: 149.9,
    p95Ms: 120,
    'threshold http_req_duration p(95)<300': 'pass',
  });
  expect(result.message).toMatch(/^k6: 750 requests, 149\.90\/s, 750 served \(p50 20\.0 ms, p95 120\.0 ms/);
});

/** The summary of the script's own metrics: served_duration, errors, rate_limited (429s), checks with passes. */
function scriptSummary(rateLimited: number) {
  const served = 100 - rateLimited;
  return {
    state: { testRunDurationMs: 30_000 },
    metrics: {
      served_duration: {
        type: 'trend',
        values: { med: 5, 'p(95)': 9, 'p(99)': 11, max: 12 },
        thresholds: { 'p(95)<300': { ok: true } },
      },
      http_reqs: { type: 'counter', values: { count: 100, rate: 3.3 } },
      errors: { type: 'rate', values: { rate: 0 }, thresholds: { 'rate<=0.01': { ok: true } } },
      checks: {
        type: 'rate',
        values: { rate: served / 100, passes: served, fails: rateLimited },
        thresholds: { 'rate>=0.99': { ok: rateLimited <= 1 } },
      },
      rate_limited: {
        type: 'counter',
        values: { count: rateLimited },
        thresholds: { 'count==0': { ok: rateLimited === 0 } },
      },
      dropped_iterations: { type: 'counter', values: { count: 2 } },
    },
  };
}

test("the script's summary: served answers, 429s counted as rate limited (their own failure kind), dropped iterations", async () => {
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(scriptSummary(0)));
  process.env.K6_STANDIN_EXIT = '0';
  const paced = { ...profile, requestsPerMinute: 25 };
  const ok = await runLoad(ctx(), paced);
  expect(ok.figures).toMatchObject({ served: 100, rateLimited: 0, dropped: 2, p95Ms: 9, requestsPerMinute: 25 });
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(scriptSummary(40)));
  process.env.K6_STANDIN_EXIT = '99';
  const failure = (await runLoad(ctx(), paced).catch((e: unknown) => e)) as StepFailure;
  expect(failure).toBeInstanceOf(StepFailure);
  expect(failure.kind).toBe('rate-limited');
  expect(failure.message).toMatch(
    /^rate limited: load on .*: 40 of 100 requests refused by the app's rate limit \(429\)/,
  );
  expect(failure.figures).toMatchObject({ served: 60, rateLimited: 40, errorRate: 0 });
});

test('exit code 99 (thresholds failed) is a failed step naming the threshold', async () => {
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary(450, false)));
  process.env.K6_STANDIN_EXIT = '99';
  const failure = await runLoad({ ...ctx(), loadEngine: 'k6' }, profile).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(StepFailure);
  expect((failure as StepFailure).kind).toBe('wrong-answer');
  expect((failure as StepFailure).message).toContain('thresholds FAILED: http_req_duration p(95)<300 (actual 450)');
});

test('any other k6 exit code is an error with its stderr', async () => {
  process.env.K6_STANDIN_EXIT = '107';
  await expect(runLoad(ctx(), profile)).rejects.toThrow('k6 exited with 107: stand-in k6 failing on purpose');
});

test('--load-engine embedded wins over k6 on PATH', async () => {
  process.env.K6_STANDIN_EXIT = '107';
  // Nothing listens on port 9: the embedded engine runs (and is refused), k6 is not called.
  writeFileSync(path.join(dir, 'args'), '');
  const failure = (await runLoad({ ...ctx(), loadEngine: 'embedded' }, { ...profile, durationSeconds: 1 }).catch(
    (e: unknown) => e,
  )) as StepFailure;
  expect(failure.figures.engine).toBe('embedded');
  expect(readFileSync(path.join(dir, 'args'), 'utf8')).toBe('');
});
