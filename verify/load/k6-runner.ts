/**
 * The k6 engine: runs verify/k6-script/load-test.ts with the `k6` binary on PATH (installed by the workflows with the official
 * setup action; this project neither fetches nor builds k6, which is AGPL) and folds its summary into LoadFigures.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { makeDirectory } from '../../lib/make-dir';
import * as path from 'node:path';
import type { LoadProfile } from '../../config';
import { repoRoot } from '../../lib/paths';
import { K6_SAMPLES_FILE } from '../charts';
import type { LoadFigures, ThresholdVerdict } from './profile';

/** Absolute path of `k6` on PATH, or undefined. */
export function findK6(envPath: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, process.platform === 'win32' ? 'k6.exe' : 'k6');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function k6ScriptPath(): string {
  return path.join(repoRoot(), 'verify', 'k6-script', 'load-test.ts');
}

type MetricJson = { values?: Record<string, number>; thresholds?: Record<string, { ok: boolean } | boolean> } & Record<
  string,
  unknown
>;

/**
 * Reads a k6 summary: the handleSummary `data` shape (metrics.X.values, thresholds {expr: {ok}}) or the
 * --summary-export shape (values flat on the metric, thresholds {expr: true-when-FAILED}).
 */
export function parseK6Summary(doc: unknown, profile: LoadProfile): LoadFigures {
  const metrics = ((doc as { metrics?: Record<string, MetricJson> })?.metrics ?? {}) as Record<string, MetricJson>;
  const values = (name: string): Record<string, number> => {
    const m = metrics[name];
    if (!m) return {};
    return (m.values ?? (m as unknown as Record<string, number>)) as Record<string, number>;
  };
  // The script's own metrics (served_duration, errors, rate_limited); k6's built-in ones for an older script.
  const served = metrics.served_duration ? values('served_duration') : values('http_req_duration');
  const reqs = values('http_reqs');
  const failed = metrics.errors ? values('errors') : values('http_req_failed');
  const checks = values('checks');
  const limited = values('rate_limited');
  const thresholds: ThresholdVerdict[] = [];
  for (const [metric, m] of Object.entries(metrics)) {
    for (const [expression, verdict] of Object.entries(m.thresholds ?? {})) {
      const ok = typeof verdict === 'boolean' ? !verdict : !!verdict.ok;
      const own = values(metric);
      const actual = expression.startsWith('p(')
        ? (own['p(95)'] ?? 0)
        : expression.startsWith('count')
          ? (own.count ?? 0)
          : (own.rate ?? own.value ?? 0);
      thresholds.push({ metric, expression, ok, actual });
    }
  }
  const runMs = (doc as { state?: { testRunDurationMs?: number } })?.state?.testRunDurationMs;
  const requests = reqs.count ?? 0;
  const checksRate = checks.rate ?? checks.value ?? 0;
  const dropped = values('dropped_iterations').count;
  return {
    engine: 'k6',
    requests,
    // k6 counts a request that got no answer too; the checks' passes+fails is no better, so take all of them.
    responses: requests,
    served: checks.passes ?? Math.round(checksRate * requests),
    rateLimited: limited.count ?? 0,
    rps: reqs.rate ?? 0,
    p50Ms: served.med ?? 0,
    p95Ms: served['p(95)'] ?? 0,
    p99Ms: served['p(99)'] ?? 0,
    maxMs: served.max ?? 0,
    errorRate: failed.rate ?? failed.value ?? 0,
    checksRate,
    durationSeconds: runMs ? runMs / 1000 : profile.durationSeconds,
    ...(dropped === undefined ? {} : { dropped }),
    thresholds,
  };
}

/**
 * Runs k6 on the profile; resolves with the figures and k6's exit code (0 passed, 99 thresholds failed).
 * Other exit codes reject with k6's last stderr lines. Killed after duration + `graceSeconds`.
 */
export async function runK6Load(
  k6: string,
  baseUrl: string,
  profile: LoadProfile,
  workDir: string,
  graceSeconds = 60,
  signal?: AbortSignal,
): Promise<{ figures: LoadFigures; exitCode: number }> {
  makeDirectory(workDir);
  const profileFile = path.join(workDir, 'load-profile.json');
  const summaryFile = path.join(workDir, 'k6-summary.json');
  const samplesFile = path.join(workDir, path.basename(K6_SAMPLES_FILE)); // per-request samples for the report's charts
  writeFileSync(profileFile, JSON.stringify(profile, null, 2));
  const args = [
    'run',
    '--quiet',
    '--out',
    `csv=${samplesFile}`,
    '-e',
    `VERIFY_PROFILE_FILE=${profileFile}`,
    '-e',
    `VERIFY_BASE_URL=${baseUrl}`,
    '-e',
    `VERIFY_SUMMARY_FILE=${summaryFile}`,
    k6ScriptPath(),
  ];
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(k6, args, { env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.resume(); // k6's console output would break the progress line; the summary file has the figures
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), (profile.durationSeconds + graceSeconds) * 1000);
    // The step's deadline or an interrupt stops k6 (SIGTERM: it ends the test and writes no summary).
    const stop = () => child.kill('SIGTERM');
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (err) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      reject(err);
    });
    child.on('exit', (code, exitSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      if (code === 0 || code === 99) resolve(code);
      else
        reject(new Error(`k6 exited with ${code ?? exitSignal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  const figures = parseK6Summary(JSON.parse(readFileSync(summaryFile, 'utf8')), profile);
  return { figures, exitCode };
}
