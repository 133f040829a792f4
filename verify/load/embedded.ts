/**
 * The embedded load engine: runs a load profile with autocannon (MIT) in this process when k6 is not on PATH.
 * Every virtual user is one autocannon connection cycling through the profile's paths for the profile's duration.
 * Latencies are recorded per response to compute p95/p99 exactly; the run is bounded in time (duration) and count.
 */
import autocannon from 'autocannon';
import type { LoadProfile } from '../../config';
import { seriesFromSamples } from '../charts';
import { evaluateThresholds, percentile, type LoadFigures } from './profile';

/** Upper bound on recorded requests per run, whatever the server's speed. */
export const MAX_REQUESTS = 2_000_000;

export interface EmbeddedOptions {
  /** Per-request timeout in seconds. @default 10 */
  readonly requestTimeoutSeconds?: number;
  /** Ends the run early (the step's deadline or an interrupt); the figures cover what ran. @default - none */
  readonly signal?: AbortSignal;
}

export async function runEmbeddedLoad(
  baseUrl: string,
  profile: LoadProfile,
  options: EmbeddedOptions = {},
): Promise<LoadFigures> {
  if (profile.paths.length === 0) throw new Error('load profile has no paths');
  const url = new URL(baseUrl);
  const basePath = url.pathname.replace(/\/+$/, '');
  const latencies: number[] = [];
  const offsets: number[] = []; // when each response ended, ms after the start (for the report's charts)
  const started = performance.now();
  let ok2xx = 0;
  let failedHttp = 0;

  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: `${url.protocol}//${url.host}`,
      connections: profile.virtualUsers,
      duration: profile.durationSeconds,
      timeout: options.requestTimeoutSeconds ?? 10,
      requests: profile.paths.map((p) => ({ method: 'GET' as const, path: `${basePath}/${p.replace(/^\/+/, '')}` })),
    },
    (err, result) => (err ? fail(err) : finish(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (latencies.length >= MAX_REQUESTS) {
      instance.stop();
      return;
    }
    latencies.push(responseTime);
    offsets.push(performance.now() - started);
    if (statusCode >= 200 && statusCode < 300) ok2xx++;
    if (statusCode >= 400) failedHttp++;
  });
  const stop = () => instance.stop();
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  const result = await done.finally(() => options.signal?.removeEventListener('abort', stop));

  // Connection errors and timeouts count as failed requests and failed checks, as in k6.
  const networkErrors = result.errors;
  const total = latencies.length + networkErrors;
  const series = seriesFromSamples('embedded', offsets, latencies);
  latencies.sort((a, b) => a - b);
  const measured = {
    requests: total,
    p95Ms: percentile(latencies, 95),
    errorRate: total === 0 ? 1 : (failedHttp + networkErrors) / total,
    checksRate: total === 0 ? 0 : ok2xx / total,
  };
  const seconds = result.duration > 0 ? result.duration : profile.durationSeconds;
  return {
    engine: 'embedded',
    requests: total,
    responses: latencies.length,
    rps: total / seconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: measured.p95Ms,
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length ? latencies[latencies.length - 1] : 0,
    errorRate: measured.errorRate,
    checksRate: measured.checksRate,
    durationSeconds: seconds,
    thresholds: evaluateThresholds(profile, measured),
    series,
  };
}
