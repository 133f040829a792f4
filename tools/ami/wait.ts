import { pause } from '../../lib/deadline';
import { AmiError } from './errors';

export interface PollSettings {
  /** First pause between checks. @default 5000 */
  readonly initialDelayMs: number;
  /** Longest pause between checks (the delay grows by half each time). @default 30000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_POLL: PollSettings = { initialDelayMs: 5_000, maxDelayMs: 30_000 };

/**
 * Calls `check` until it returns a value (not undefined), with a growing delay, for at most `timeoutMs` and never past
 * `signal` (the command's total deadline). `check` throws to stop early (a reported failure). On timeout, throws an
 * AmiError naming `what`.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  poll: PollSettings,
  check: () => Promise<T | undefined>,
  signal?: AbortSignal,
): Promise<T> {
  const started = Date.now();
  let delay = poll.initialDelayMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    const left = started + timeoutMs - Date.now();
    if (left <= 0)
      throw new AmiError({
        kind: 'timeout',
        message: `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`,
      });
    if (signal?.aborted)
      throw new AmiError({
        kind: 'timeout',
        message: `the command's deadline passed after ${Math.round((Date.now() - started) / 1000)} s waiting for ${what}`,
      });
    await pause(Math.min(delay, left), signal);
    delay = Math.min(Math.round(delay * 1.5), poll.maxDelayMs);
  }
}
