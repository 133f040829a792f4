/**
 * The one polling loop: call an attempt until it returns a value, with exponential backoff and jitter, within a
 * deadline, a signal and (optionally) a number of attempts. verify's waits, the AMI command's waits and retries and
 * the rotation function's re-reads use it; each turns "no value" into its own failure type.
 */
import { pause } from './deadline';

export interface Backoff {
  /** First pause between attempts. @default 250 */
  readonly initialDelayMs?: number;
  /** Longest pause between attempts. @default 5000 */
  readonly maxDelayMs?: number;
  /** Growth of the pause per attempt. @default 2 */
  readonly factor?: number;
  /** Share of each pause taken off at random (0..1), so many pollers do not poll in step. @default 0.3 */
  readonly jitter?: number;
}

export interface PollOptions extends Backoff {
  /** Total budget in milliseconds, attempts included. */
  readonly timeoutMs: number;
  /** Ends the polling early (a step's deadline, the run's interrupt). */
  readonly signal?: AbortSignal;
  /** At most this many attempts. @default 10000 (a hard bound, whatever the clock does) */
  readonly maxAttempts?: number;
}

/** Why polling ended without a value. */
export type PollStop = 'timeout' | 'aborted' | 'attempts';

export type PollResult<T> =
  | { readonly value: T; readonly attempts: number; readonly elapsedMs: number }
  | { readonly value?: undefined; readonly stopped: PollStop; readonly attempts: number; readonly elapsedMs: number };

/** The pause before attempt n+1 (n from 1): exponential, capped, less a random share. */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const initial = backoff.initialDelayMs ?? 250;
  const max = backoff.maxDelayMs ?? 5000;
  const factor = backoff.factor ?? 2;
  const jitter = Math.min(Math.max(backoff.jitter ?? 0.3, 0), 1);
  const base = Math.min(max, initial * Math.pow(factor, attempt - 1));
  return Math.round(base * (1 - jitter * random()));
}

/**
 * Calls `attempt(remainingMs, attemptNo)` (at least once) until it resolves to a value other than undefined. A throw ends the
 * polling with that error (an attempt that wants to retry on an error catches it and returns undefined). The
 * attempt gets the milliseconds left, to bound its own I/O.
 */
export async function poll<T>(
  attempt: (remainingMs: number, attemptNo: number) => Promise<T | undefined>,
  options: PollOptions,
): Promise<PollResult<T>> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const maxAttempts = options.maxAttempts ?? 10_000;
  const end = (stopped: PollStop, attempts: number) => ({ stopped, attempts, elapsedMs: Date.now() - started });
  for (let n = 1; ; n++) {
    if (options.signal?.aborted) return end('aborted', n - 1);
    // The first attempt always runs: a budget of 0 means "look once" (a resource that is already there).
    const remaining = Math.max(0, deadline - Date.now());
    if (remaining <= 0 && n > 1) return end('timeout', n - 1);
    const value = await attempt(remaining, n);
    if (value !== undefined) return { value, attempts: n, elapsedMs: Date.now() - started };
    if (n >= maxAttempts) return end('attempts', n);
    const wait = Math.min(backoffDelay(n, options), deadline - Date.now());
    if (wait > 0) await pause(wait, options.signal);
  }
}
