/**
 * The embedded load engine, used when k6 is not on PATH. A paced profile (`requestsPerMinute`) starts its requests
 * evenly spaced, whatever the answers' speed, at most `virtualUsers` in flight (a request due while all are busy is
 * dropped and counted, as k6's constant-arrival-rate does). A profile without a pace runs on autocannon (MIT): every
 * virtual user is one connection cycling through the paths for the duration. Both are bounded in time (duration) and
 * count, and record each answer's status and latency (figuresFromSamples).
 */
import autocannon from 'autocannon';
import type { LoadProfile } from '../../config';
import { boundedRequest } from '../../lib/bounded-http';
import { figuresFromSamples, type LoadFigures, type LoadSample } from './profile';

/** Upper bound on recorded requests per run, whatever the server's speed. */
export const MAX_REQUESTS = 2_000_000;

export interface EmbeddedOptions {
  /** Per-request timeout in seconds. @default 10 */
  readonly requestTimeoutSeconds?: number;
  /** Ends the run early (the step's deadline or an interrupt); the figures cover what ran. @default - none */
  readonly signal?: AbortSignal;
}

/** The URL of one of the profile's paths under `baseUrl` (which may carry a path prefix). */
function pathUrl(baseUrl: string, p: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${p.replace(/^\/+/, '')}`;
}

export async function runEmbeddedLoad(
  baseUrl: string,
  profile: LoadProfile,
  options: EmbeddedOptions = {},
): Promise<LoadFigures> {
  if (profile.paths.length === 0) throw new Error('load profile has no paths');
  return profile.requestsPerMinute ? runPaced(baseUrl, profile, options) : runClosed(baseUrl, profile, options);
}

/** Requests started at a fixed interval for the duration; answers read up to 64 KiB. */
async function runPaced(baseUrl: string, profile: LoadProfile, options: EmbeddedOptions): Promise<LoadFigures> {
  const intervalMs = 60_000 / profile.requestsPerMinute!;
  const planned = Math.max(1, Math.min(MAX_REQUESTS, Math.floor((profile.durationSeconds * 1000) / intervalMs)));
  const timeoutMs = (options.requestTimeoutSeconds ?? 10) * 1000;
  const samples: LoadSample[] = [];
  const running = new Set<Promise<void>>();
  const started = performance.now();
  let dropped = 0;
  const one = async (i: number) => {
    const url = pathUrl(baseUrl, profile.paths[i % profile.paths.length]);
    const begin = performance.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const answer = await boundedRequest(url, { signal, maxBodyBytes: 64 * 1024, followRedirects: false });
      samples.push({ status: answer.status, latencyMs: answer.latencyMs, offsetMs: performance.now() - started });
    } catch {
      if (!options.signal?.aborted)
        samples.push({ latencyMs: performance.now() - begin, offsetMs: performance.now() - started });
    }
  };
  for (let i = 0; i < planned && !options.signal?.aborted; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait, options.signal);
    if (options.signal?.aborted) break;
    if (running.size >= profile.virtualUsers) {
      dropped++;
      continue;
    }
    const p = one(i).finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
  const seconds = Math.max(profile.durationSeconds, (performance.now() - started) / 1000);
  return { ...figuresFromSamples('embedded', samples, 0, profile, seconds), dropped };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** autocannon: `virtualUsers` connections, each sending its next request when the last is answered. */
async function runClosed(baseUrl: string, profile: LoadProfile, options: EmbeddedOptions): Promise<LoadFigures> {
  const url = new URL(baseUrl);
  const basePath = url.pathname.replace(/\/+$/, '');
  const samples: LoadSample[] = [];
  const started = performance.now();

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
    if (samples.length >= MAX_REQUESTS) {
      instance.stop();
      return;
    }
    samples.push({ status: statusCode, latencyMs: responseTime, offsetMs: performance.now() - started });
  });
  const stop = () => instance.stop();
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  const result = await done.finally(() => options.signal?.removeEventListener('abort', stop));

  // Connection errors and timeouts count as failed requests and failed checks, as in k6.
  const seconds = result.duration > 0 ? result.duration : profile.durationSeconds;
  return figuresFromSamples('embedded', samples, result.errors, profile, seconds);
}
